#!/usr/bin/env bash
# End-to-end tests of the vestsim binary: exit codes, formats, batch, --set.
# usage: cli_test.sh VESTSIM SOURCE_DIR WORK_DIR
set -u
vestsim=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0 passed=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
expect_exit() {  # expect_exit CODE CMD...
  local want=$1; shift
  "$@" >out.txt 2>err.txt; local got=$?
  [ "$got" = "$want" ] || { echo "  exit $got, wanted $want: $*"; sed 's/^/  | /' err.txt | head -5; return 1; }
}
contains() { grep -qF -- "$2" "$1" || { echo "  '$2' not in $1:"; head -5 "$1" | sed 's/^/  | /'; return 1; }; }

# The built-in default, from any directory.
check "default run" expect_exit 0 "$vestsim" run --paths 2000
check "default mentions the comparison" contains out.txt "P(hf_ask beats google)"
check "no progress bar when stderr is not a terminal" test ! -s err.txt

# --help on every subcommand, with an example; bad usage exits 2.
for cmd in run validate breakeven sweep sensitivity bench; do
  check "$cmd --help" expect_exit 0 "$vestsim" "$cmd" --help
  check "$cmd --help has an example" contains out.txt "Example"
done
check "no subcommand" expect_exit 2 "$vestsim"
check "unknown flag" expect_exit 2 "$vestsim" run --frobnicate
check "unknown flag names it" contains err.txt "frobnicate"
check "bad --paths" expect_exit 2 "$vestsim" run --paths lots
check "bad --paths message" contains err.txt "--paths: expected a whole number"
check "bad format" expect_exit 2 "$vestsim" run --format pdf

# validate: shipped scenarios are clean; a bad one lists its problems and exits 2.
check "validate shipped" expect_exit 0 "$vestsim" validate "$src"/scenarios
sed 's/annual_rate: 0.15 .*/at_month: 18/' "$src"/scenarios/hf-paris-vs-google-l5.yaml > leave18.yaml
check "fixed departure runs" expect_exit 0 "$vestsim" run leave18.yaml --paths 1000
check "fixed departure is said in one line" contains out.txt "Every future: the employee leaves at month 18 (after 1.5 years)."
check "fixed departure in JSON" expect_exit 0 "$vestsim" run leave18.yaml --paths 1000 --format json
check "fixed departure JSON key" contains out.txt '"departure_at_month": 18'
check "validate shipped regimes" expect_exit 0 "$vestsim" validate "$src"/taxes/fr-2026.yaml "$src"/taxes/us-nyc-2026.yaml "$src"/taxes/none.yaml
check "a regime is said to be one" contains out.txt "fr-2026.yaml: ok (tax regime)"
printf 'name: r\ncurrency: EUR\nincome_taxes:\n  - name: t\n    brackets: [[0, 0.1], [0, 0.2]]\n' > bad_regime.yaml
check "validate a bad regime" expect_exit 2 "$vestsim" validate bad_regime.yaml
check "a bad regime names its line" contains err.txt "bad_regime.yaml:5"
printf 'currency: EUR\ncompanies: {}\noffers:\n  a: {base: -1, bonus: {targt: 0.1}}\n' > bad.yaml
check "validate bad" expect_exit 2 "$vestsim" validate bad.yaml
check "bad: negative base" contains err.txt "bad.yaml:4: offers.a.base: must be a number >= 0"
check "bad: typo" contains err.txt "did you mean 'target'?"
check "run bad" expect_exit 2 "$vestsim" run bad.yaml
check "missing file" expect_exit 2 "$vestsim" run no-such-file.yaml
check "missing file message" contains err.txt "cannot open"

# Formats to files; every format written.
check "all formats" expect_exit 0 "$vestsim" run --paths 2000 --quiet --format json --format csv \
  --format markdown --format html --format text --out rep/
for ext in json csv md html txt; do
  check "wrote $ext" test -s "rep/hf-paris-vs-google-l5.$ext"
done
check "csv has five columns" bash -c "awk -F, 'NF != 5 { bad = 1 } END { exit bad }' rep/hf-paris-vs-google-l5.csv"
check "json has the contract's keys" contains rep/hf-paris-vs-google-l5.json '"p_a_beats_b"'

# Same seed, same bytes (timing aside) on 1 and 2 threads.
"$vestsim" run --paths 3000 --threads 1 --format json > t1.json
"$vestsim" run --paths 3000 --threads 2 --format json > t2.json
check "json identical across threads" bash -c "diff <(sed '/timing/,\$d' t1.json) <(sed '/timing/,\$d' t2.json)"
"$vestsim" run --paths 3000 --seed 2 --format json > s2.json
check "another seed differs" bash -c "! diff -q <(sed '/timing/,\$d' t1.json) <(sed '/timing/,\$d' s2.json) >/dev/null"

# --set moves the result the expected way: a smaller ask lowers P(hf_ask beats google).
"$vestsim" run --paths 5000 --format csv > base.csv
"$vestsim" run --paths 5000 --format csv --set offers.hf_ask.grants[0].value=100000 > less.csv
p() { grep '^comparison,hf_ask:google,diff,p_a_beats_b,' "$1" | cut -d, -f5; }
check "--set lowers P(a beats b)" awk -v a="$(p less.csv)" -v b="$(p base.csv)" 'BEGIN { exit !(a < b) }'
check "--set bad path" expect_exit 2 "$vestsim" run --set offers.hf_ask.bse=1
check "--set bad path message" contains err.txt "did you mean 'base'?"

# Batch: a folder runs every scenario and adds a summary with one row per comparison.
check "batch" expect_exit 0 "$vestsim" run "$src"/scenarios --paths 2000 --quiet --format csv --out batch/
check "batch summary" test -s batch/summary.csv
rows=$(($(wc -l < batch/summary.csv) - 1))
check "batch summary rows (2 + 2 + 3 + 1 + 1 comparisons)" test "$rows" = 9
check "batch to stdout" expect_exit 0 "$vestsim" run "$src"/scenarios/hf-paris-vs-criteo.yaml \
  "$src"/scenarios/hf-nyc-vs-anthropic.yaml --paths 1000
check "batch stdout summary" contains out.txt "Batch summary"

# A run that cannot fit in memory is refused at run time (exit 1), before allocating.
check "too many paths" expect_exit 1 "$vestsim" run --paths 1e9
check "too many paths message" contains err.txt "Use fewer --paths"
check "unwritable output" expect_exit 1 "$vestsim" run --paths 100 --out /proc/vestsim-report.txt

# Per-path columns for one's own analysis.
check "paths-out csv" expect_exit 0 "$vestsim" run --paths 100 --paths-out paths.csv --quiet
check "paths-out rows" test "$(wc -l < paths.csv)" = 101
check "paths-out npy" expect_exit 0 "$vestsim" run --paths 100 --paths-out paths.npy --quiet
check "npy magic" bash -c "head -c 6 paths.npy | grep -q NUMPY"
check "npy size" test "$(stat -c %s paths.npy)" = $((128 + 100 * 11 * 8))

# Break-even sheet and bench.
check "breakeven" expect_exit 0 "$vestsim" breakeven --offer hf_ask --against google --paths 20000
check "breakeven sheet" contains out.txt "To match Google L5, Paris at the median you need"
check "breakeven json" expect_exit 0 "$vestsim" breakeven --offer hf_ask --against google --paths 20000 --format json
check "breakeven json keys" contains out.txt '"results"'
check "breakeven base" expect_exit 0 "$vestsim" breakeven --offer hf_ask --against google --solve base --metric mean --paths 5000
check "breakeven base sheet" contains out.txt " base"
check "breakeven markdown" expect_exit 0 "$vestsim" breakeven --offer hf_ask --against google --paths 5000 --format markdown
check "breakeven markdown title" contains out.txt "# Break-even"
check "breakeven defaults to the first comparison" expect_exit 0 "$vestsim" breakeven --paths 5000 --metric mean
check "breakeven default names the offers" contains out.txt "Hugging Face Staff, Paris (ask) against Google L5, Paris"
check "breakeven half a pair" expect_exit 2 "$vestsim" breakeven --offer hf_ask
check "breakeven unknown offer" expect_exit 2 "$vestsim" breakeven --offer nope --against google
check "breakeven unknown offer message" contains err.txt "offers in this scenario: hf_ask, hf_floor, google"
check "bench" expect_exit 0 "$vestsim" bench --paths 20000 --format json
check "bench json" contains out.txt '"rng_bound_ratio"'

# Sweep over the grant: P(hf_floor beats google) rises through the win break-even.
# (hf_floor has a single grant; break-even scales all of an offer's grants together.)
"$vestsim" breakeven --offer hf_floor --against google --metric win --paths 20000 --format json > be.json
win=$(grep -A1 '"win"' be.json | grep -o '"value": [0-9.e+]*' | grep -o '[0-9.e+]*$')
check "win break-even found" test -n "$win"
lo=$(awk -v w="$win" 'BEGIN { printf "%.0f", w * 0.8 }') hi=$(awk -v w="$win" 'BEGIN { printf "%.0f", w * 1.2 }')
step=$(awk -v w="$win" 'BEGIN { printf "%.0f", w * 0.05 }')
check "sweep" expect_exit 0 "$vestsim" sweep --vary "offers.hf_floor.grants[0].value=$lo:$hi:$step" \
  --compare hf_floor:google --paths 20000 --format csv
check "sweep rises through 50% at the break-even" awk -F, -v w="$win" 'NR > 1 {
    if ($2 > prev + 1e-12 || NR == 2) {} else bad = 1
    if ($1 < w * 0.999 && $2 >= 0.5) bad = 1
    if ($1 > w * 1.001 && $2 < 0.5) bad = 1
    prev = $2 }
  END { exit bad }' out.txt
check "sweep 2-D html" expect_exit 0 "$vestsim" sweep --vary offers.hf_ask.base=115000:155000:20000 \
  --vary "offers.hf_ask.grants[0].value=200000:400000:100000" --paths 5000 --format html --out sweep.html
check "sweep heat map" contains sweep.html 'id="chart-sweep"'
check "sweep bad vary" expect_exit 2 "$vestsim" sweep --vary offers.hf_ask.base=5:1:1
check "sweep bad path" expect_exit 2 "$vestsim" sweep --vary offers.hf_ask.bse=1:2:1
check "sensitivity" expect_exit 0 "$vestsim" sensitivity --paths 5000
check "sensitivity names inputs" contains out.txt "huggingface IPO multiple"
check "sensitivity rank view" contains out.txt "Rank correlation (Spearman)"
check "sensitivity json" expect_exit 0 "$vestsim" sensitivity --paths 5000 --format json --compare hf_floor:google
check "sensitivity json bars" contains out.txt '"median_swing"'
check "sensitivity bad compare" expect_exit 2 "$vestsim" sensitivity --compare hf_ask:nobody

# Outputs: whole files, never over an input, write errors are exit 1 (issue #14).
check "version" expect_exit 0 "$vestsim" --version
check "version line" grep -qE '^vestsim [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]+|unknown\)' out.txt
check "unknown command" expect_exit 2 "$vestsim" frobnicate
check "unknown command named" contains err.txt "unknown command 'frobnicate'"
check "json has the version" expect_exit 0 "$vestsim" run --paths 500 --format json
check "json version key" contains out.txt '"version": "'
check "breakeven csv refused" expect_exit 2 "$vestsim" breakeven --paths 500 --format csv
check "breakeven csv says what it writes" contains err.txt "text, json, markdown"
cp "$src/scenarios/hf-paris-vs-google-l5.yaml" self.yaml
check "no --out over the input" expect_exit 2 "$vestsim" run self.yaml --paths 500 --out self.yaml
check "the input is untouched" cmp -s self.yaml "$src/scenarios/hf-paris-vs-google-l5.yaml"
check "--out and --paths-out apart" expect_exit 2 "$vestsim" run --paths 500 --out o.csv --format csv --paths-out ./o.csv
check "a whole report, no temporary file" expect_exit 0 "$vestsim" run --paths 500 --format json --out whole.json
check "no temporary file left" test -z "$(find . -name '*.vestsim-tmp*')"
check "paths-out .NPY is numpy" expect_exit 0 "$vestsim" run --paths 500 --paths-out p.NPY --quiet
check "paths-out .NPY magic" bash -c "head -c 6 p.NPY | grep -q NUMPY"
check "paths-out columns" contains p.NPY.columns.txt "hf_ask.total"
if [ -w /dev/full ]; then
  check "stdout to /dev/full" expect_exit 1 bash -c "'$vestsim' run --paths 500 > /dev/full"
  check "stdout write error said" contains err.txt "write"
fi
check "one path: the standard error is undefined" expect_exit 0 "$vestsim" run --paths 1 --format json
check "stderr null" contains out.txt '"stderr": null'
check "breakeven --scale first is said" expect_exit 0 "$vestsim" breakeven --paths 4000 --metric mean --format json
check "scales first" contains out.txt '"scales": "first"'
check "breakeven --scale all" expect_exit 0 "$vestsim" breakeven --paths 4000 --metric mean --scale all
check "all said in text" contains out.txt "(--scale all)"
check "sweep of the break-even multiplier" expect_exit 0 "$vestsim" sweep --vary scale:hf_ask=0.5:2:0.5 --paths 2000 --format csv
check "sweep scale rows" test "$(wc -l < out.txt)" = 5
check "memory is checked first" expect_exit 1 "$vestsim" run --paths 1e9
check "memory message" contains err.txt "not enough memory: 1000000000 paths need about"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
