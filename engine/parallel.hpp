// The engine's only door to threads (docs/model.md#9-randomness-and-reproducibility).
//
// Work is cut into items whose results do not depend on which thread runs
// them: fixed blocks of paths, or independent jobs (columns to summarise, grid
// points). Each item runs exactly once and writes only into its own slot;
// callers merge slots in item order. Nothing here accumulates floating point
// across threads (docs/design.md#4-deterministic-by-construction), so every result is the same on 1
// thread or 64. This header exposes no TBB type: only parallel.cpp includes TBB.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace vestsim::engine {

// A non-owning reference to a callable: one indirect call per item (a block of
// thousands of paths, or a whole column), never per path.
template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef>)
      FunctionRef(F&& f)  // NOLINT: implicit, like std::function
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, Args... a) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(a)...);
        }) {}
  R operator()(Args... a) const { return call_(object_, std::forward<Args>(a)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

// Paths [0, paths) cut into fixed blocks of `block_size`; the cut does not
// depend on the thread count. Requires block_size > 0.
struct BlockPlan {
  std::uint64_t paths = 0;
  std::uint32_t block_size = 4096;

  std::uint64_t blocks() const { return (paths + block_size - 1) / block_size; }
  std::uint64_t begin(std::uint64_t b) const { return b * block_size; }
  std::uint64_t end(std::uint64_t b) const { return std::min(paths, (b + 1) * block_size); }
};

// Number of worker threads `threads` means: 0 = every core the process may use.
int resolve_threads(int threads);

// Runs fn(i) once for every i in [0, n) on `threads` threads (0 = all), each
// item on one thread, and returns when all are done. fn must write only into
// item i's own slot. Exceptions thrown by fn propagate to the caller.
void for_each_index(std::size_t n, int threads, FunctionRef<void(std::size_t)> fn);

// As for_each_index, with fn(i, worker): worker in [0, resolve_threads(threads))
// names the thread running item i, for per-thread scratch and integer tallies
// (never for floating-point sums, whose order would then depend on scheduling).
void for_each_index_on_worker(std::size_t n, int threads, FunctionRef<void(std::size_t, int)> fn);

// Runs fn(b, begin, end) for every block of `plan` on `threads` threads.
// `done`, if given, counts finished paths (an integer: order does not matter).
void run_blocks(const BlockPlan& plan, int threads,
                FunctionRef<void(std::uint64_t, std::uint64_t, std::uint64_t)> fn,
                std::atomic<std::uint64_t>* done = nullptr);

// As run_blocks, with fn(b, begin, end, worker): worker in [0, resolve_threads(threads)) names
// the thread running the block, for per-thread scratch kept across blocks: no two blocks run on
// one worker at once, provided fn starts no parallel work of its own (a waiting thread could
// then take another block).
void run_blocks_on_worker(const BlockPlan& plan, int threads,
                          FunctionRef<void(std::uint64_t, std::uint64_t, std::uint64_t, int)> fn,
                          std::atomic<std::uint64_t>* done = nullptr);

}  // namespace vestsim::engine
