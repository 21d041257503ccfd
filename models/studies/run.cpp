#include "models/studies/run.hpp"

namespace vestsim::models {

SimOptions sim_options(const Scenario& s, const StudyOptions& o) {
  SimOptions opt;
  opt.paths = s.paths;
  opt.threads = s.threads;
  opt.block = s.block;
  opt.timeline = o.timeline;
  opt.salary_column = o.salary_column;
  opt.progress = o.progress;
  return opt;
}

RunStudy run_study(const Scenario& s, const CompiledScenario& cs, const StudyOptions& o) {
  RunStudy out;
  out.result = simulate(cs, sim_options(s, o));
  out.summary = summarize_run(s, cs, out.result, s.threads, s.seed);
  return out;
}

}  // namespace vestsim::models
