// Micro and macro benchmarks (issue: benchmarks and a performance budget).
// Run: build/release/bench/vestsim_bench   (see bench/README.md)
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <vector>

#include "engine/bucket_summary.hpp"
#include "engine/distributions.hpp"
#include "engine/lanes.hpp"
#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "engine/statistics.hpp"
#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"

using namespace vestsim;

namespace {

const engine::StreamKey kKey = engine::make_stream_key(1, "bench");

void BM_Uniform(benchmark::State& state) {
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(engine::uniform(kKey, i++, 0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Uniform);

void BM_UniformPairs(benchmark::State& state) {
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(engine::uniform_pair(kKey, i++, 0));
  state.SetItemsProcessed(2 * state.iterations());
}
BENCHMARK(BM_UniformPairs);

void BM_Normal(benchmark::State& state) {
  std::uint64_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(engine::normal_quantile(engine::uniform(kKey, i++, 0)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normal);

// Runs a benchmark on target engine::SimdTarget(state.range(0)) (0 scalar, 1 sse4, 2 avx2,
// 3 avx512), restoring the active target after; one the CPU lacks skips the benchmark (!ok()).
class TargetScope {
 public:
  explicit TargetScope(benchmark::State& state)
      : target_(static_cast<engine::SimdTarget>(state.range(0))), before_(engine::simd_target()) {
    if (!ok()) {
      state.SkipWithError("this CPU does not run the target");
      return;
    }
    engine::set_simd_target(target_);
    state.SetLabel(std::string(engine::simd_target_name(target_)));
  }
  ~TargetScope() { engine::set_simd_target(before_); }
  bool ok() const { return engine::simd_target_supported(target_); }

 private:
  engine::SimdTarget target_, before_;
};

// One row pair of the draw plan: draws 2k and 2k + 1 of 128 consecutive paths
// (models/path_draws.hpp), as uniforms (second arg 0) or normals (1), on the target of the first.
void BM_LaneRows(benchmark::State& state) {
  const TargetScope target(state);
  if (!target.ok()) return;
  constexpr std::uint32_t kPaths = 128;
  std::vector<double> even(kPaths), odd(kPaths);
  const bool normal = state.range(1) != 0;
  std::uint64_t first = 0;
  for (auto _ : state) {
    engine::fill_lanes({kKey, 3, normal}, first, kPaths, even.data(), odd.data());
    benchmark::DoNotOptimize(even.data());
    benchmark::DoNotOptimize(odd.data());
    first += kPaths;
  }
  state.SetItemsProcessed(2 * kPaths * state.iterations());
}
BENCHMARK(BM_LaneRows)->ArgsProduct({{0, 1, 2, 3}, {0, 1}});

// The draws of one path past the draw plan: 16 consecutive normals of one stream
// (models/path_draws.hpp's tail chunks), on the target of the arg.
void BM_PathTail(benchmark::State& state) {
  const TargetScope target(state);
  if (!target.ok()) return;
  double out[16];
  std::uint64_t path = 0;
  for (auto _ : state) {
    engine::fill_path_draws(kKey, path++, 30, 8, true, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(16 * state.iterations());
}
BENCHMARK(BM_PathTail)->DenseRange(0, 3);

void sampler_bench(benchmark::State& state, const engine::Sampler& s) {
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s(engine::uniform(kKey, i++, 0)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(sampler_bench, uniform, engine::Sampler::uniform(0.05, 0.2));
BENCHMARK_CAPTURE(sampler_bench, normal, engine::Sampler::normal(1, 0.2));
BENCHMARK_CAPTURE(sampler_bench, lognormal, engine::Sampler::lognormal_quantiles(0.1, 1.5, 0.9, 6));
BENCHMARK_CAPTURE(sampler_bench, triangular, engine::Sampler::triangular(1, 2, 6));
BENCHMARK_CAPTURE(sampler_bench, pert, engine::Sampler::pert(1, 2, 6));
BENCHMARK_CAPTURE(sampler_bench, exponential, engine::Sampler::exponential(0.15));
BENCHMARK_CAPTURE(sampler_bench, weibull, engine::Sampler::weibull(1.5, 4));
BENCHMARK_CAPTURE(sampler_bench, discrete, engine::Sampler::discrete({1, 2, 3, 4}, {1, 2, 3, 4}));
BENCHMARK_CAPTURE(sampler_bench, truncated_normal, [] {
  engine::Sampler s = engine::Sampler::normal(1, 0.2);
  s.truncate(0, 1e300);
  return s;
}());

models::Scenario load(const std::string& file) {
  const models::LoadResult r =
      file.empty() ? models::load_scenario_text(models::default_scenario_text(), "default")
                   : models::load_scenario_file(file);
  if (!r.ok()) throw std::runtime_error("cannot load " + file);
  return *r.scenario;
}

// One path of each shipped scenario, single thread, 4096 paths per iteration.
void BM_ScenarioPaths(benchmark::State& state, const std::string& file) {
  const models::Scenario s =
      load(file.empty() ? "" : std::string(VESTSIM_SOURCE_DIR) + "/scenarios/" + file);
  const models::CompiledScenario c = models::compile(s, 1);
  models::SimOptions o;
  o.paths = 4096;
  o.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(models::simulate(c, o));
  state.SetItemsProcessed(state.iterations() * o.paths);
}
BENCHMARK_CAPTURE(BM_ScenarioPaths, hf_paris_vs_google, std::string("hf-paris-vs-google-l5.yaml"));
BENCHMARK_CAPTURE(BM_ScenarioPaths, hf_nyc_vs_anthropic, std::string("hf-nyc-vs-anthropic.yaml"));
BENCHMARK_CAPTURE(BM_ScenarioPaths, hf_remote_vs_meta, std::string("hf-remote-vs-meta-e6.yaml"));
BENCHMARK_CAPTURE(BM_ScenarioPaths, hf_paris_vs_criteo, std::string("hf-paris-vs-criteo.yaml"));

// The statistics pass (mean, sd, 7 percentiles with CIs, CVaR5) per million values, with the
// buckets counted on the target of the arg (engine/bucket_summary.hpp).
void BM_Statistics(benchmark::State& state) {
  const TargetScope target(state);
  if (!target.ok()) return;
  std::vector<double> x(1000000);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = engine::normal_quantile(engine::uniform(kKey, i, 0));
  const std::vector<double> q = {5, 10, 25, 50, 75, 90, 95};
  std::vector<double> scratch;
  for (auto _ : state) benchmark::DoNotOptimize(engine::summarize(x, q, scratch));
  state.SetItemsProcessed(state.iterations() * x.size());
}
BENCHMARK(BM_Statistics)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

// count_buckets over a million normals with the second arg's count of edges (a summary's 29 ranks
// make up to 116), on the target of the first.
void BM_Buckets(benchmark::State& state) {
  const TargetScope target(state);
  if (!target.ok()) return;
  std::vector<double> x(1000000), edges;
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = engine::normal_quantile(engine::uniform(kKey, i, 0));
  for (std::int64_t e = 0; e < state.range(1); ++e)
    edges.push_back(engine::normal_quantile((static_cast<double>(e) + 0.5) /
                                            static_cast<double>(state.range(1))));
  std::vector<std::uint8_t> buckets(x.size());
  std::vector<std::uint64_t> counts(edges.size() + 1);
  for (auto _ : state) {
    engine::count_buckets(edges, x, buckets.data(), counts.data());
    benchmark::DoNotOptimize(counts.data());
  }
  state.SetItemsProcessed(state.iterations() * x.size());
}
BENCHMARK(BM_Buckets)->ArgsProduct({{0, 1, 2, 3}, {16, 84, 255}})->Unit(benchmark::kMillisecond);

// The built-in scenario end to end: compile, simulate, summarise.
void BM_EndToEnd(benchmark::State& state) {
  const models::Scenario s = load("");
  const auto paths = static_cast<std::uint64_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    const models::CompiledScenario c = models::compile(s, s.seed);
    models::SimOptions o;
    o.paths = paths;
    o.threads = threads;
    const models::SimResult r = models::simulate(c, o);
    benchmark::DoNotOptimize(models::summarize_run(s, c, r, threads, s.seed));
  }
  state.counters["paths_per_second"] = benchmark::Counter(
      static_cast<double>(paths) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EndToEnd)
    ->Args({1000000, 1})
    ->Args({1000000, 0})
    ->Args({10000000, 1})
    ->Args({10000000, 0})
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

// Scaling efficiency: 1 thread and all threads timed back to back in one
// iteration (a ratio from one run, as shared machines are noisy).
void BM_ScalingEfficiency(benchmark::State& state) {
  const models::Scenario s = load("");
  const models::CompiledScenario c = models::compile(s, s.seed);
  const int all = static_cast<int>(std::thread::hardware_concurrency());
  double t1 = 0, tn = 0;
  for (auto _ : state) {
    models::SimOptions o;
    o.paths = static_cast<std::uint64_t>(state.range(0));
    o.threads = 1;
    t1 = models::simulate(c, o).seconds;
    o.threads = all;
    tn = models::simulate(c, o).seconds;
  }
  state.counters["threads"] = all;
  state.counters["speedup"] = t1 / tn;
  state.counters["efficiency"] = t1 / tn / all;
}
BENCHMARK(BM_ScalingEfficiency)
    ->Arg(1000000)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
