// Deterministic parallel block runner (STYLE.md lesson 4).
//
// Paths [0, n) are cut into fixed blocks of `block_size` paths; the cut does
// not depend on the thread count. Each block calls fn(block_index, begin, end)
// exactly once, on some thread. A block must write only into its own paths'
// slots of preallocated columns, or into its own per-block slot; callers merge
// per-block slots in block order. Nothing here accumulates floating point
// across threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

namespace vestsim::engine {

struct BlockPlan {
  std::uint64_t paths = 0;
  std::uint32_t block_size = 4096;

  std::uint64_t blocks() const { return (paths + block_size - 1) / block_size; }
  std::uint64_t begin(std::uint64_t b) const { return b * block_size; }
  std::uint64_t end(std::uint64_t b) const { return std::min(paths, (b + 1) * block_size); }
};

// Number of worker threads `threads` means: 0 = all cores.
int resolve_threads(int threads);

// Runs fn(b, begin, end) for every block of `plan` on `threads` threads.
// `done`, if given, counts finished paths (an integer: order does not matter).
template <class Fn>
void run_blocks(const BlockPlan& plan, int threads, Fn&& fn,
                std::atomic<std::uint64_t>* done = nullptr) {
  tbb::task_arena arena(resolve_threads(threads));
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::uint64_t>(0, plan.blocks(), 1),
        [&](const tbb::blocked_range<std::uint64_t>& r) {
          for (std::uint64_t b = r.begin(); b < r.end(); ++b) {
            fn(b, plan.begin(b), plan.end(b));
            if (done) done->fetch_add(plan.end(b) - plan.begin(b), std::memory_order_relaxed);
          }
        },
        tbb::simple_partitioner());
  });
}

// Runs fn(b, begin, end, slot) with one Slot per block, then folds the slots
// in block order: merge(acc, slot_0), merge(acc, slot_1), ... The result is
// the same for every thread count.
template <class Slot, class Fn, class Merge>
Slot reduce_blocks(const BlockPlan& plan, int threads, Slot init, Fn&& fn, Merge&& merge) {
  std::vector<Slot> slots(plan.blocks(), init);
  run_blocks(plan, threads, [&](std::uint64_t b, std::uint64_t begin, std::uint64_t end) {
    fn(b, begin, end, slots[b]);
  });
  Slot acc = init;
  for (const Slot& s : slots) merge(acc, s);
  return acc;
}

}  // namespace vestsim::engine
