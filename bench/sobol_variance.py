#!/usr/bin/env python3
"""Variance of --sampler sobol against philox at equal paths (bench/README.md).

For every shipped scenario and each of its comparisons, runs `vestsim run` at
PATHS paths with seeds 1..SEEDS under both samplers and prints, per metric
(mean difference, P(a beats b), median difference), the variance of the
estimate across seeds under each sampler and their ratio philox / sobol
(> 1: Sobol has the smaller variance), with a 90% interval for the ratio:
ratio x exp(+-1.645 sqrt(4 / (SEEDS - 1))), the normal approximation of the
log of a ratio of two variances with SEEDS - 1 degrees of freedom each
(2.13 for 20 seeds against the exact F quantile 2.17).

usage: bench/sobol_variance.py VESTSIM [--paths 65536] [--seeds 20] [--threads 2] [SCENARIO ...]
"""
import argparse
import glob
import json
import math
import os
import statistics
import subprocess
import sys

METRICS = [("mean diff", lambda c: c["diff"]["mean"]),
           ("P(a beats b)", lambda c: c["p_a_beats_b"]),
           ("median diff", lambda c: c["diff"]["percentiles"]["50"])]


def run(vestsim, scenario, sampler, seed, paths, threads):
    out = subprocess.run([vestsim, "run", scenario, "--paths", str(paths), "--seed", str(seed),
                          "--sampler", sampler, "--threads", str(threads), "--format", "json",
                          "--quiet"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["comparisons"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vestsim")
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--paths", type=int, default=16 * 4096)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    scenarios = a.scenarios or sorted(glob.glob(os.path.join(here, "..", "scenarios", "*.yaml")))
    spread = math.exp(1.645 * math.sqrt(4 / (a.seeds - 1)))
    print("| scenario | comparison | metric | sd philox | sd sobol | variance ratio | 90% interval |")
    print("|---|---|---|---|---|---|---|")
    for sc in scenarios:
        est = {}
        for sampler in ("philox", "sobol"):
            est[sampler] = [run(a.vestsim, sc, sampler, seed, a.paths, a.threads)
                            for seed in range(1, a.seeds + 1)]
        for k, cmp in enumerate(est["philox"][0]):
            for name, get in METRICS:
                v = {s: statistics.variance([get(r[k]) for r in est[s]]) for s in est}
                if v["philox"] == 0 and v["sobol"] == 0:  # the same estimate at every seed
                    print(f"| {os.path.basename(sc)[:-5]} | {cmp['a']} vs {cmp['b']} | {name} | "
                          f"0 | 0 | tie (both 0) | |", flush=True)
                    continue
                ratio = v["philox"] / v["sobol"] if v["sobol"] > 0 else float("inf")
                print(f"| {os.path.basename(sc)[:-5]} | {cmp['a']} vs {cmp['b']} | {name} | "
                      f"{v['philox'] ** 0.5:.4g} | {v['sobol'] ** 0.5:.4g} | {ratio:.2f} | "
                      f"{ratio / spread:.2f} to {ratio * spread:.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
