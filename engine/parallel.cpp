#include "engine/parallel.hpp"

#include <cassert>

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

namespace vestsim::engine {

int resolve_threads(int threads) {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

void for_each_index(std::size_t n, int threads, FunctionRef<void(std::size_t)> fn) {
  tbb::task_arena arena(resolve_threads(threads));
  arena.execute([&] {
    // One item per task: items are whole columns or grid points, never paths.
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, n, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t i = r.begin(); i < r.end(); ++i) fn(i);
        },
        tbb::simple_partitioner());
  });
}

void for_each_index_on_worker(std::size_t n, int threads, FunctionRef<void(std::size_t, int)> fn) {
  const int workers = resolve_threads(threads);
  for_each_index(n, workers, [&](std::size_t i) {
    const int w = tbb::this_task_arena::current_thread_index();
    assert(w >= 0 && w < workers);
    fn(i, w);
  });
}

void run_blocks(const BlockPlan& plan, int threads,
                FunctionRef<void(std::uint64_t, std::uint64_t, std::uint64_t)> fn,
                std::atomic<std::uint64_t>* done) {
  for_each_index(plan.blocks(), threads, [&](std::size_t b) {
    fn(b, plan.begin(b), plan.end(b));
    if (done) done->fetch_add(plan.end(b) - plan.begin(b), std::memory_order_relaxed);
  });
}

void run_blocks_on_worker(const BlockPlan& plan, int threads,
                          FunctionRef<void(std::uint64_t, std::uint64_t, std::uint64_t, int)> fn,
                          std::atomic<std::uint64_t>* done) {
  for_each_index_on_worker(plan.blocks(), threads, [&](std::size_t b, int worker) {
    fn(b, plan.begin(b), plan.end(b), worker);
    if (done) done->fetch_add(plan.end(b) - plan.begin(b), std::memory_order_relaxed);
  });
}

}  // namespace vestsim::engine
