#!/usr/bin/env bash
# Reports are the same bytes on every instruction set (docs/design.md#15-lanes-of-paths):
# the built-in scenario and every shipped scenario, run under each target this
# CPU supports (VESTSIM_SIMD), give the JSON of the scalar reference, less
# "timing". Which targets the CPU supports is read from /proc/cpuinfo, not from
# vestsim, so a target vestsim wrongly refuses fails the test.
# usage: simd_targets_test.sh VESTSIM SOURCE_DIR WORK_DIR
source "$(dirname "$0")/e2e_lib.sh"

flags=$(grep -m1 '^flags' /proc/cpuinfo)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
targets=(scalar)
has sse4_1 sse4_2 && targets+=(sse4)
has avx2 bmi2 fma && targets+=(avx2)
has avx512f avx512vl avx512dq avx512bw && targets+=(avx512)
echo "targets: ${targets[*]}"


run_all() {  # run_all TARGET: one JSON per scenario into TARGET/
  local t=$1
  mkdir -p "$t"
  VESTSIM_SIMD=$t "$vestsim" run --paths 20000 --seed 7 --format json --quiet \
    --threads 2 | strip_timing >"$t/default.json" || return 1
  for f in "$src"/scenarios/*.yaml; do
    VESTSIM_SIMD=$t "$vestsim" run "$f" --paths 20000 --seed 7 --format json --quiet \
      --threads 2 | strip_timing >"$t/$(basename "$f" .yaml).json" || return 1
  done
}

for t in "${targets[@]}"; do
  check "runs under $t" run_all "$t"
done
for t in "${targets[@]:1}"; do
  check "$t gives the scalar reports byte for byte" diff -r scalar "$t"
done
n_expected=$(( $(ls "$src"/scenarios/*.yaml | wc -l) + 1 ))  # the built-in scenario and every shipped one
check "one report per scenario per target" test "$(ls scalar | wc -l)" -eq "$n_expected"

# A name that is no target, and a target this CPU lacks, are usage errors (exit 2).
VESTSIM_SIMD=avx3 "$vestsim" run --paths 100 >/dev/null 2>err.txt
check "unknown VESTSIM_SIMD exits 2" test $? -eq 2
check "unknown VESTSIM_SIMD names the choices" grep -q "use scalar, sse4, avx2 or avx512" err.txt
for t in sse4 avx2 avx512; do
  [[ " ${targets[*]} " == *" $t "* ]] && continue
  VESTSIM_SIMD=$t "$vestsim" run --paths 100 >/dev/null 2>err.txt
  check "unsupported $t exits 2" test $? -eq 2
  check "unsupported $t says so" grep -q "this CPU does not support it" err.txt
done

finish
