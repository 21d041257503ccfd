// Large result columns in fresh memory (docs/design.md#15-lanes-of-paths). The first touch of a
// fresh page is a page fault; on the VMs we run on it costs about 3 us, so the 4 KiB pages of a
// 10^6-path run's columns cost more than zeroing them. Transparent huge pages take one fault per
// 2 MiB, where Linux offers them on request (THP "madvise", the Debian default).
#pragma once

#include <cstddef>
#include <vector>

namespace vestsim::engine {

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge pages,
// before they are touched. Only speed depends on it: it does nothing where that is not offered,
// and never fails.
void advise_huge_pages(void* data, std::size_t bytes);

// From now on, memory the process frees stays with it for its next allocations (glibc: blocks
// under 32 MiB come from the heap, which is trimmed only past 1 GiB free at its top), so the
// scratch of each summary reuses pages already faulted in instead of mapping fresh ones. For a
// program's start (tools/main.cpp), before any thread; does nothing elsewhere. Larger blocks (a
// 10^7-path column) are still mapped and unmapped on their own.
void keep_freed_memory();

// Gives back to the system the memory freed and kept so far (glibc: malloc_trim), so that one
// run's kept memory does not add to the next run's peak. allocate_result calls it before a run's
// columns (models/simulate.cpp), and the CLI before it reads the memory available.
void release_freed_memory();

// v.resize(n) for an empty v, its storage advised huge pages before the zeroing touches it.
template <class T>
void resize_fresh(std::vector<T>& v, std::size_t n) {
  if (!v.empty()) return v.resize(n);
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
  v.resize(n);
}

}  // namespace vestsim::engine
