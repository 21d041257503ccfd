#!/usr/bin/env bash
# Two-pass runs (docs/design.md#17-two-pass-runs-exact-summaries-in-bounded-memory): a run
# above --memory-budget simulates twice and writes the same JSON, byte for byte
# (less "timing"), as the run that keeps every path in memory.
set -euo pipefail
vestsim=$1
root=$2
work=$3
rm -rf "$work" && mkdir -p "$work"
cd "$root"
fail() { echo "FAIL: $*" >&2; exit 1; }

strip_timing() {
  python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("timing"); print(json.dumps(d,indent=1))'
}

# The built-in scenario at 2e5 paths (13 chunks, the last one short), and a shipped scenario.
for args in "--paths 200000 --seed 5" "scenarios/hf-nyc-vs-anthropic.yaml --paths 70001 --threads 1"; do
  # shellcheck disable=SC2086
  "$vestsim" run $args --format json --quiet | strip_timing > "$work/memory.json"
  # shellcheck disable=SC2086
  "$vestsim" run $args --format json --quiet --memory-budget 1MB 2> "$work/stderr" |
    strip_timing > "$work/two-pass.json"
  grep -q "running in two passes" "$work/stderr" || fail "no word of the two passes on stderr ($args)"
  cmp "$work/memory.json" "$work/two-pass.json" || fail "two-pass JSON differs ($args)"
done

# Certainty equivalents by shifted sum (tests/tools/huge_totals.yaml says why): two passes take
# a third for them, pre-tax and after tax, and must give the same bits, not null.
"$vestsim" run tests/tools/huge_totals.yaml --paths 70001 --format json --quiet | strip_timing > "$work/memory.json"
"$vestsim" run tests/tools/huge_totals.yaml --paths 70001 --format json --quiet --memory-budget 1MB \
  2> /dev/null | strip_timing > "$work/two-pass.json"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["comparisons"][0]; assert c["certainty_equivalent"]["a"] > 1e28 and c["ce_a_after_tax"] > 1e28, c' \
  "$work/memory.json" || fail "the underflowing CE is not a number in memory"
cmp "$work/memory.json" "$work/two-pass.json" || fail "two-pass JSON differs (CE by log-sum-exp)"

# The budget is read with its unit; a run under it stays in memory and says nothing.
"$vestsim" run --paths 2000 --format json --quiet --memory-budget 1GB 2> "$work/stderr" > /dev/null
[ ! -s "$work/stderr" ] || fail "a run under the budget said: $(cat "$work/stderr")"
if "$vestsim" run --paths 10 --memory-budget 12XB 2> "$work/stderr" > /dev/null; then
  fail "--memory-budget 12XB was accepted"
fi
grep -q "expected a size like 100MB" "$work/stderr" || fail "bad size message: $(cat "$work/stderr")"

# HTML charts need the paths: above the budget that is an error, not a wrong chart.
set +e
"$vestsim" run --paths 200000 --format html --quiet --memory-budget 1MB > /dev/null 2> "$work/stderr"
code=$?
set -e
[ "$code" = 2 ] || fail "HTML above the budget exited $code"
grep -q "HTML charts need the paths in memory" "$work/stderr" || fail "HTML message: $(cat "$work/stderr")"
echo "two-pass: identical"
