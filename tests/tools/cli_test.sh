#!/usr/bin/env bash
# End-to-end tests of the vestsim binary: exit codes, formats, batch, --set.
# usage: cli_test.sh VESTSIM SOURCE_DIR WORK_DIR
source "$(dirname "$0")/e2e_lib.sh"
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
for cmd in run validate breakeven sweep sensitivity bench taxes; do
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
# Several JSON (CSV, HTML) documents back to back are not one: refused before the run.
check "batch json to stdout" expect_exit 2 "$vestsim" run "$src"/scenarios/hf-paris-vs-criteo.yaml \
  "$src"/scenarios/hf-nyc-vs-anthropic.yaml --paths 1000 --format json
check "batch json to stdout says --out" contains err.txt "with --format json they need --out FOLDER"
check "batch json to stdout ran nothing" test ! -s out.txt

# Output names that cannot be written are refused before the run, not after it.
check "--paths-out a folder" expect_exit 2 "$vestsim" run --paths 1000 --paths-out .
check "--paths-out a folder says so" contains err.txt "--paths-out .: a folder; give a file name"
check "--paths-out a folder ran nothing" test ! -s out.txt
: > a_file
check "several formats to a file" expect_exit 2 "$vestsim" run --paths 1000 --format json \
  --format csv --out a_file
check "several formats to a file says so" contains err.txt "--out a_file: 2 formats write a folder"
check "the file is left alone" test ! -s a_file
# Every file a run writes is looked at before it runs (docs/cli.md): one that cannot be written
# (a folder, a path through a file, a symlink loop) stops it with exit 2 before any file is
# written, never after the run with part of the files.
cp "$src"/scenarios/hf-paris-vs-criteo.yaml tiny.yaml
small=(--paths 2000 --threads 1 --quiet)
mkdir -p mf/tiny.json
check "a format's report that is a folder" expect_exit 2 "$vestsim" run tiny.yaml "${small[@]}" \
  --format csv --format json --format text --out mf
check "a format's report that is a folder is named" contains err.txt \
  "--out mf: it would write mf/tiny.json, but mf/tiny.json is a folder; remove that folder or give --out another folder"
check "and no other report was written" test ! -e mf/tiny.txt -a ! -e mf/tiny.csv
mkdir -p q2.npy.columns.txt
check "--paths-out whose column names are a folder" expect_exit 2 "$vestsim" run tiny.yaml \
  "${small[@]}" --out q2.txt --paths-out q2.npy
check "the column names' file is named" contains err.txt \
  "--paths-out q2.npy: it would write q2.npy.columns.txt (the column names), but q2.npy.columns.txt is a folder"
check "and neither --out nor the .npy was written" test ! -e q2.txt -a ! -e q2.npy
mkdir -p one && cp tiny.yaml one/ && mkdir -p one_out/index.html
check "a batch whose index.html is a folder" expect_exit 2 "$vestsim" run one "${small[@]}" \
  --format html --out one_out
check "the batch summary is named" contains err.txt "one_out/index.html (the batch summary), but"
check "and no report of the batch was written" test ! -e one_out/tiny.html
ln -sf l3.txt l2.txt && ln -sf l2.txt l3.txt
check "--out a symlink loop" expect_exit 2 "$vestsim" run tiny.yaml "${small[@]}" --out l2.txt
check "the loop is said" contains err.txt "--out l2.txt: l2.txt is a symlink loop"
check "the loop's links stay links" test -L l2.txt -a -L l3.txt
check "--out through a file" expect_exit 2 "$vestsim" run tiny.yaml "${small[@]}" --out tiny.yaml/r.txt
check "the file in the way is named" contains err.txt "tiny.yaml is a file, not a folder; give --out another path"
check "a batch --out through a loop" expect_exit 2 "$vestsim" run one "${small[@]}" --out l2.txt/rep
check "the loop in the way is named" contains err.txt "but l2.txt is a symlink loop"
for cmd in breakeven sensitivity; do
  check "$cmd --out a symlink loop" expect_exit 2 "$vestsim" "$cmd" tiny.yaml "${small[@]}" --out l2.txt
  check "$cmd: said before the run" contains err.txt "nothing was run"
done
# One file's --out that names a folder: "one_file_rep/" (which the write would make, then
# refuse) and an existing folder ("."), never told to remove it; and a folder in the path that
# is a symlink to nothing (the write's create_directories cannot replace it).
for cmd in breakeven sensitivity; do
  check "$cmd --out one_file_rep/" expect_exit 2 "$vestsim" "$cmd" tiny.yaml "${small[@]}" --out one_file_rep/
  check "$cmd --out one_file_rep/: said before the run" contains err.txt \
    "--out one_file_rep/: names a folder; this command writes one file: give a file name (in it, or elsewhere); nothing was run"
  check "$cmd --out one_file_rep/: no folder made" test ! -e one_file_rep
  check "$cmd --out ." expect_exit 2 "$vestsim" "$cmd" tiny.yaml "${small[@]}" --out .
  check "$cmd --out .: a file name asked for" contains err.txt \
    "--out .: a folder; give a file name (in it, or elsewhere); nothing was run"
done
ln -sfn nowhere dangling
check "--out through a symlink to nothing" expect_exit 2 "$vestsim" breakeven tiny.yaml "${small[@]}" --out dangling/x.txt
check "the symlink to nothing is named" contains err.txt \
  "dangling is a symlink to nothing (nowhere); create the folder it names, or give --out another path; nothing was run"
check "a batch --out through a symlink to nothing" expect_exit 2 "$vestsim" run tiny.yaml "${small[@]}" \
  --format json --format csv --out dangling
check "the batch's symlink to nothing is named" contains err.txt "dangling is a symlink to nothing"
check "sweep --out through a file" expect_exit 2 "$vestsim" sweep tiny.yaml "${small[@]}" \
  --vary offers.hf_ask.base=100000:110000:10000 --out tiny.yaml/s.txt
check "sweep: the file in the way is named" contains err.txt "tiny.yaml is a file, not a folder"
check "the scenario is still a file" test -f tiny.yaml
# A write that fails says which step failed and why: /proc takes no new file, so the temporary
# file cannot be created beside /proc/version (it exists: not "does it exist?").
check "--out /proc/version" expect_exit 1 "$vestsim" run tiny.yaml "${small[@]}" --out /proc/version
check "the failing step is named" contains err.txt "cannot write /proc/version (create its temporary file /proc/.version.vestsim-tmp-"
# A scenario path through a file: ENOTDIR, said as such, not "does it exist?".
check "validate a path through a file" expect_exit 2 "$vestsim" validate tiny.yaml/x.yaml
check "a path through a file is said" contains err.txt "a part of its path is not a folder (tiny.yaml is a file)"
# --out through a symlink replaces the file it points to; the link stays a link.
mkdir -p linked && echo old > linked/real.json && ln -sf linked/real.json link.json
check "--out a symlink" expect_exit 0 "$vestsim" run --paths 500 --format json --out link.json
check "the link stays a link" test -L link.json
check "its target is the report" contains linked/real.json '"p_a_beats_b"'

# A run that cannot fit in memory under a budget that forbids two passes is refused at run time
# (exit 1), before allocating (1e9 paths without a budget run in two passes: docs/design.md#17-two-pass-runs-exact-summaries-in-bounded-memory).
check "too many paths" expect_exit 1 "$vestsim" run --paths 1e9 --memory-budget 1TB
check "too many paths message" contains err.txt "Use fewer --paths"
check "unwritable output" expect_exit 1 "$vestsim" run --paths 100 --out /proc/vestsim-report.txt
check "a tiny budget is said in kB, not 0.00 GB" expect_exit 2 "$vestsim" run --paths 100000 \
  --memory-budget 2000 --format html --out tiny.html
check "tiny budget text" contains err.txt "above the memory budget of 2 kB"
check "a budget below a byte's figures keeps them" expect_exit 2 "$vestsim" run --paths 100 \
  --memory-budget 1.5 --format html --out tiny.html
check "1.5 bytes, not 2" contains err.txt "above the memory budget of 1.5 bytes"
# A --precision run that needs its paths in memory grows only to what the budget holds, said
# before it runs: the built-in scenario's columns take 3 offers x 3 (cash, equity, tax) x 8 bytes
# + 2 companies' outcome bytes + 16 + the fan chart's 3 offers x 11 years x 4 bytes = 222 bytes a
# path, and 2,000,000 / 222 = 9009.0.
check "precision growth capped by the budget" expect_exit 0 "$vestsim" run --paths 2000 \
  --precision p_win=0.0001 --memory-budget 2MB --format html --out capped.html
check "the cap is said" contains err.txt "the --precision targets stop at 9009 paths at most"
check "and the targets are not met there" contains capped.html "targets NOT met"
check "the report says the memory budget stopped it, not --max-paths" contains capped.html \
  "--precision: 9,009 paths, p_win ±"
check "the budget is the cap named" contains capped.html \
  "; targets NOT met (stopped at the memory budget of 2.0 MB)."
check "--max-paths is not named" bash -c "! grep -qF 'stopped at --max-paths' capped.html"
# Every format of that run says so: Markdown and text as HTML, JSON in stopped_by.
check "every format capped by the budget" expect_exit 0 "$vestsim" run --paths 2000 --quiet \
  --precision p_win=0.0001 --memory-budget 2MB --format html --format json --format markdown \
  --format text --out capped/
for ext in md txt; do
  check "$ext: stopped at the memory budget" contains "capped/hf-paris-vs-google-l5.$ext" \
    "targets NOT met (stopped at the memory budget of 2.0 MB)."
done
check "json: stopped by the memory budget" contains capped/hf-paris-vs-google-l5.json \
  '"stopped_by": "memory_budget"'
check "json: at the 9009 paths that fit" contains capped/hf-paris-vs-google-l5.json \
  '"paths_needed": 9009'
# A budget that holds more than --max-paths leaves --max-paths the cap.
check "--max-paths below what the budget holds" expect_exit 0 "$vestsim" run --paths 2000 \
  --quiet --precision p_win=0.0001 --memory-budget 2MB --max-paths 4000 --format html \
  --format json --out capped-max/
check "html: stopped at --max-paths" contains capped-max/hf-paris-vs-google-l5.html \
  "--precision: 4,000 paths, p_win ±"
check "html: --max-paths named" contains capped-max/hf-paris-vs-google-l5.html \
  "; targets NOT met (stopped at --max-paths)."
check "json: stopped by --max-paths" contains capped-max/hf-paris-vs-google-l5.json \
  '"stopped_by": "max_paths"'

# --precision: a bad simulation.precision is a load error at its line, and in a batch it
# fails only its own file; --max-paths without any target is said, not silently dropped.
mkdir -p prec
cp "$src"/scenarios/hf-paris-vs-criteo.yaml prec/good.yaml
{ echo 'simulation: {precision: "p_win=5"}'; grep -v '^simulation:' "$src"/scenarios/hf-paris-vs-criteo.yaml; } > prec/bad.yaml
check "bad simulation.precision" expect_exit 2 "$vestsim" run prec/bad.yaml --paths 100
check "bad simulation.precision names file and line" contains err.txt "bad.yaml:1"
check "bad simulation.precision says why" contains err.txt "its half-width target must be at most 0.5"
"$vestsim" run prec --paths 500 --quiet --format json --out prec-out >/dev/null 2>err.txt
check "the batch's good file is still reported" test -s prec-out/good.json
# A tax regime in a folder of scenarios: one line says what it is; the batch runs the rest and
# exits 2, as for any invalid file (docs/cli.md, Batches).
mkdir -p with-regime
cp "$src"/scenarios/hf-paris-vs-criteo.yaml with-regime/good.yaml
cp "$src"/taxes/none.yaml with-regime/none.yaml
check "a regime in a batch folder" expect_exit 2 "$vestsim" run with-regime --paths 200 --quiet --format json --out with-regime-out
check "the regime is said to be one" contains err.txt "none.yaml:3: this is a tax regime file, not a scenario"
check "as one problem" contains err.txt "none.yaml: 1 problem; nothing was run"
check "the batch's scenario still ran" test -s with-regime-out/good.json
check "--max-paths without a target" expect_exit 0 "$vestsim" run --paths 500 --max-paths 1000
check "--max-paths without a target is said" contains err.txt "--max-paths has no effect without --precision"
check "hex precision refused" expect_exit 2 "$vestsim" run --paths 500 --precision mean_diff=0x10
check "--max-paths below --paths" expect_exit 0 "$vestsim" run --paths 600 --precision p_win=0.4 --max-paths 300
check "--max-paths below --paths is said" contains err.txt "--max-paths 300 is below the run's 600 paths"
check "--max-paths below sobol's 16 replicates" expect_exit 2 "$vestsim" run --sampler sobol --precision p_win=0.4 --max-paths 10
check "--max-paths below sobol's 16 is named" contains err.txt "--max-paths 10: sobol sampling needs at least 16 paths"
check "validate without files" expect_exit 2 "$vestsim" validate
check "validate without files names the command" contains err.txt "vestsim validate: give the files to check: scenarios, tax regime files or folders of scenarios; see vestsim validate --help"
check "--max-paths above simulation.paths' 1e9" expect_exit 2 "$vestsim" run --precision p_win=0.01 --max-paths 2e9
check "--max-paths above 1e9 is named" contains err.txt "--max-paths: expected a whole number from 1 to 1000000000, got '2e9'"
check "a run of one path" expect_exit 0 "$vestsim" run --paths 1
check "one path is one future" contains out.txt "on the same one future"
check "an option twice" expect_exit 2 "$vestsim" run --paths 10 --paths 20
check "an option twice is named" contains err.txt "vestsim run: --paths was given 2 times; give it once"
check "no command" expect_exit 2 "$vestsim"
check "no command lists them" contains err.txt "vestsim: give a command (run, validate, breakeven, sweep"
check "--vary of a key the scenario lacks" expect_exit 2 "$vestsim" sweep --vary Report.wealth=1000:2000:1000
check "--vary of a key the scenario lacks is a --vary problem" contains err.txt "--vary Report.wealth: Report: unknown key; did you mean 'report'?"
# Targets from the file are named as such, not as --precision.
mkdir -p prec-file
{ echo 'simulation: {precision: "p_win=0.0001"}'; grep -v '^simulation:' "$src"/scenarios/hf-paris-vs-criteo.yaml; } > prec-file/tight.yaml
check "file target, more paths" expect_exit 0 "$vestsim" run prec-file/tight.yaml --paths 200 --max-paths 400
check "file target's progress names simulation.precision" contains err.txt "200 paths do not reach the simulation.precision targets; running 400"
check "file target stopped at --max-paths" contains out.txt "--precision: 400 paths, p_win ±"
check "file target's report names --max-paths" contains out.txt "; targets NOT met (stopped at --max-paths)."
check "a met target in JSON" expect_exit 0 "$vestsim" run --paths 600 --precision p_win=0.4 --format json
check "a met target stopped by nothing" contains out.txt '"stopped_by": null'
{ echo 'simulation: {precision: "p50_diff=100"}'; echo 'report: {percentiles: [10, 90]}'; grep -v -e '^simulation:' -e '^report:' -e '^  percentiles:' "$src"/scenarios/hf-paris-vs-criteo.yaml; } > prec-file/no-p50.yaml
check "breakeven to a file target" expect_exit 0 "$vestsim" breakeven prec-file/tight.yaml --paths 200 --max-paths 400 --metric win
check "breakeven's progress names simulation.precision" contains err.txt "at 200 paths the simulation.precision targets do not hold for win"
check "file p50 target without 50" expect_exit 2 "$vestsim" run prec-file/no-p50.yaml --paths 200
check "names simulation.precision at its line" contains err.txt "no-p50.yaml:1: simulation.precision: p50_diff needs 50 among report.percentiles"
check "a batch runs its other files" expect_exit 2 "$vestsim" run prec-file/no-p50.yaml prec-file/tight.yaml --paths 200 --max-paths 200 --format json --out prec-batch
check "the other file's report" test -s prec-batch/tight.json
check "none of the bad one's" test ! -e prec-batch/no-p50.json
check "validate says so too" expect_exit 2 "$vestsim" validate prec-file/no-p50.yaml
check "at its line" contains err.txt "no-p50.yaml:1: simulation.precision: p50_diff needs 50 among report.percentiles"
check "--precision replaces the file's target" expect_exit 0 "$vestsim" run prec-file/no-p50.yaml --paths 200 --max-paths 200 --precision p_win=0.5
grep -v '^simulation:' prec-file/no-p50.yaml > prec-file/no-p50-no-target.yaml
check "--precision p50 target without 50" expect_exit 2 "$vestsim" run prec-file/no-p50-no-target.yaml --paths 200 --precision p50_total=100
check "names --precision" contains err.txt "--precision p50_total: needs 50 among report.percentiles"
check "bad --memory-budget said once" expect_exit 2 "$vestsim" run --memory-budget abc
check "bad --memory-budget message" test "$(grep -o -- '--memory-budget' err.txt | wc -l)" -eq 1

# Per-path columns for one's own analysis.
check "paths-out csv" expect_exit 0 "$vestsim" run --paths 100 --paths-out paths.csv --quiet
check "paths-out rows" test "$(wc -l < paths.csv)" = 101
check "paths-out npy" expect_exit 0 "$vestsim" run --paths 100 --paths-out paths.npy --quiet
check "npy magic" bash -c "head -c 6 paths.npy | grep -q NUMPY"
# 3 offers x (cash, equity, total) + 2 differences; every offer is taxed: 3 x (tax, after_tax)
# + 2 differences after tax.
check "npy size" test "$(stat -c %s paths.npy)" = $((128 + 100 * 19 * 8))
check "npy columns" test "$(tr '\n' ' ' < paths.npy.columns.txt)" = "hf_ask.cash hf_ask.equity hf_ask.total hf_floor.cash hf_floor.equity hf_floor.total google.cash google.equity google.total diff.hf_ask-google diff.hf_floor-google hf_ask.tax hf_ask.after_tax hf_floor.tax hf_floor.after_tax google.tax google.after_tax diff_after_tax.hf_ask-google diff_after_tax.hf_floor-google "
# By hand: a earns 100,000 in one year under a flat 30% tax with no year, paid at month 12, no
# discounting: tax 30,000, after tax 70,000; b earns 50,000 untaxed (no tax columns): the
# difference after tax is 70,000 - 50,000 = 20,000. Printed to 17 digits, the salary's twelve
# monthly sums carry the rounding of 100000/12, so the check is to the cent.
printf 'name: flat30\ncurrency: EUR\nincome_taxes:\n  - name: t\n    brackets: [[0, 0.3]]\n' > flat30.yaml
printf 'currency: EUR\nhorizon_years: 1\ndiscount_rate: 0\nemployee: {departure: {at_month: 100}}\ncompanies: {}\noffers:\n  a: {base: 100000, tax: {regime: flat30.yaml}}\n  b: {base: 50000}\ncompare: [{a: a, b: b}]\n' > flat_pay.yaml
check "paths-out of a taxed offer" expect_exit 0 "$vestsim" run flat_pay.yaml --paths 3 --paths-out flat_pay.csv --quiet
check "paths-out tax columns" test "$(head -1 flat_pay.csv)" = "path,a.cash,a.equity,a.total,b.cash,b.equity,b.total,diff.a-b,a.tax,a.after_tax,diff_after_tax.a-b"
check "paths-out tax by hand" awk -F, 'NR > 1 { c = 0.005; if ($9 - 30000 > c || 30000 - $9 > c || $10 - 70000 > c || 70000 - $10 > c || $11 - 20000 > c || 20000 - $11 > c || $10 != $4 - $9) bad = 1; n++ } END { exit bad || n != 3 }' flat_pay.csv
check "a regime without a year in the report" expect_exit 0 "$vestsim" run flat_pay.yaml --paths 3 --quiet
check "no year shown as (0)" contains out.txt "not tax advice: regime flat30."
check "taxes of a regime without a year" expect_exit 0 "$vestsim" taxes flat30.yaml --income 1000
check "its payslip names it alone" grep -qx 'flat30 (EUR)' out.txt
check "its JSON year is null" expect_exit 0 "$vestsim" taxes flat30.yaml --income 1000 --format json
check "null year" contains out.txt '"year": null'
check "taxes of 0 in JSON" expect_exit 0 "$vestsim" taxes flat30.yaml --income 0 --format json
check "a base of 0 has no bracket, as the text's -" contains out.txt '"bracket_rate": null'
check "taxes of 1000 in JSON" expect_exit 0 "$vestsim" taxes flat30.yaml --income 1000 --format json
check "a base of 1000 is in the 30% bracket" contains out.txt '"bracket_rate": 0.3'
# Offer ids with '-' make two comparisons' names alike: each then says which one it is.
printf 'currency: EUR\nhorizon_years: 1\ndiscount_rate: 0\ncompanies: {}\noffers:\n  x: {base: 1}\n  y: {base: 2}\n  x-y: {base: 3}\n  z: {base: 4}\n  y-z: {base: 5}\ncompare: [{a: x, b: y-z}, {a: x-y, b: z}, {a: x, b: y}]\n' > dashes.yaml
check "paths-out with dashed ids" expect_exit 0 "$vestsim" run dashes.yaml --paths 2 --paths-out dashes.csv --quiet
check "alike names are told apart" test "$(head -1 dashes.csv | cut -d, -f17-)" = "diff.x-y-z(compare[0]),diff.x-y-z(compare[1]),diff.x-y"
# No output replaces an input: a regime file a scenario reads, or the scenario of a study.
cp flat30.yaml flat30.orig; cp flat_pay.yaml flat_pay.orig; ln -sf flat30.yaml regime_link.yaml
check "--paths-out over a regime file" expect_exit 2 "$vestsim" run flat_pay.yaml --paths 5 --paths-out flat30.yaml
check "it says so" contains err.txt "--paths-out would write over the input flat30.yaml; choose another name"
check "sweep --out over its scenario" expect_exit 2 "$vestsim" sweep flat_pay.yaml --vary offers.a.base=1:2:1 --paths 100 --out flat_pay.yaml
check "it says so" contains err.txt "flat_pay.yaml is an input of this run; choose another name"
check "sensitivity --out over a regime, by another name" expect_exit 2 "$vestsim" sensitivity flat_pay.yaml --paths 100 --out regime_link.yaml
check "it names both" contains err.txt "regime_link.yaml is flat30.yaml, an input of this run"
check "the regime is intact" cmp flat30.yaml flat30.orig
check "the scenario is intact" cmp flat_pay.yaml flat_pay.orig

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
# The parts of end to end: each measured, none negative, together within it.
json_number() { grep -o "\"$2\": [0-9.e+-]*" "$1" | grep -o '[0-9.e+-]*$'; }
parts_fit() {
  awk -v c="$(json_number out.txt columns_seconds)" -v s="$(json_number out.txt seconds)" \
      -v m="$(json_number out.txt summary_seconds)" -v e="$(json_number out.txt end_to_end_seconds)" \
      'BEGIN { exit !(c != "" && m != "" && c > 0 && s > 0 && m > 0 && c + s + m <= e) }'
}
check "bench parts fit end to end" parts_fit
check "bench text names the parts" expect_exit 0 "$vestsim" bench --paths 20000
check "bench text parts" contains out.txt "result columns"
check "bench text statistics" contains out.txt ", statistics "
check "bench a file" expect_exit 0 "$vestsim" bench "$src/scenarios/hf-nyc-vs-anthropic.yaml" --paths 20000 --format json
check "bench a file names it" contains out.txt '"scenario": "Hugging Face Staff (NYC) vs Anthropic'
check "bench a missing file" expect_exit 2 "$vestsim" bench nope.yaml
check "bench a missing file says so" contains err.txt "nope.yaml"

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
check "sweep csv says its basis" expect_exit 0 "$vestsim" sweep --vary "offers.hf_ask.base=150000:200000:50000" --paths 200 --format csv --basis pre-tax
check "in a last column" test "$(cut -d, -f6 out.txt | tr '\n' ' ')" = "basis pre-tax pre-tax "
check "sensitivity csv says its basis" expect_exit 0 "$vestsim" sensitivity --paths 500 --format csv
check "in a last column too" awk -F, 'NR == 1 { bad = $NF != "basis" } NR > 1 { bad = bad || $NF != "after-tax" } END { exit bad || NR < 2 }' out.txt
sed '/tax: {regime:/d; /tax_treatment:/d' "$src"/scenarios/hf-paris-vs-google-l5.yaml > no_regime.yaml
check "no basis without a regime" expect_exit 0 "$vestsim" sweep no_regime.yaml --vary "offers.hf_ask.base=150000:200000:50000" --paths 200 --format csv
check "no basis column" test "$(head -1 out.txt)" = "offers.hf_ask.base,p_a_beats_b,p50_a,p50_b,p50_diff"
check "sweep text" expect_exit 0 "$vestsim" sweep --vary "offers.google.tax.baseline_income=0:1000:1000" --paths 200
check "names a long parameter whole" grep -qE '^offers\.google\.tax\.baseline_income +P\(hf_ask beats google\)' out.txt
check "its values under it" grep -qE '^ {29}1000 ' out.txt
check "sweep bad vary" expect_exit 2 "$vestsim" sweep --vary offers.hf_ask.base=5:1:1
check "a STEP of 1e-300 counted, not listed" expect_exit 2 "$vestsim" sweep --vary offers.hf_ask.base=1:2:1e-300
check "a STEP of 1e-300 counted, not listed: said" contains err.txt "over a billion points; at most 400"
check "sweep bad path" expect_exit 2 "$vestsim" sweep --vary offers.hf_ask.bse=1:2:1
check "sensitivity" expect_exit 0 "$vestsim" sensitivity --paths 5000
check "sensitivity names inputs" contains out.txt "huggingface IPO multiple"
check "sensitivity rank view" contains out.txt "Rank correlation (Spearman)"
check "sensitivity json" expect_exit 0 "$vestsim" sensitivity --paths 5000 --format json --compare hf_floor:google
check "sensitivity json bars" contains out.txt '"median_swing"'
check "sensitivity bad compare" expect_exit 2 "$vestsim" sensitivity --compare hf_ask:nobody
# Nothing random at all: no bars, and the report says so.
cat > certain.yaml <<'EOF'
name: certain
currency: USD
employee: {departure: {at_month: 20}}
companies:
  pub: {kind: public, price: 100, drift: 0.05, volatility: 0}
offers:
  a: {base: 100000, grants: [{type: public_rsu, company: pub, value: 100000, vesting: {years: 4}}]}
  b: {base: 150000}
EOF
check "sensitivity with nothing random" expect_exit 0 "$vestsim" sensitivity certain.yaml --paths 50
check "says there is nothing to hold at its ends" contains out.txt "No input of this scenario is drawn at random"
check "sensitivity markdown with nothing random" expect_exit 0 "$vestsim" sensitivity certain.yaml --paths 50 --format markdown
check "markdown says it too" contains out.txt "No input of this scenario is drawn at random"
# Two identical offers: the difference is 0 in every future, so no Spearman is defined (0/0).
check "sensitivity of a constant difference" expect_exit 0 "$vestsim" sensitivity "$src"/tests/tools/identical_offers.yaml --paths 500 --format json
check "its Spearman is undefined" contains out.txt '"spearman_defined": false'
check "sensitivity of a constant difference, text" expect_exit 0 "$vestsim" sensitivity "$src"/tests/tools/identical_offers.yaml --paths 500
check "the text says why" contains out.txt "the input or the difference is the same in every future"

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
# A reader that stops early: the write fails (EPIPE) and says so, exit 1, not death by SIGPIPE
# (141). 20,000 paths of per-path CSV are far more than a pipe holds.
check "a reader that stops early: exit 1" expect_exit 1 bash -c \
  "set -o pipefail; '$vestsim' run --paths 20000 --quiet --paths-out /dev/stdout | head -c 10 > /dev/null"
check "a reader that stops early: said" contains err.txt "Broken pipe"
check "one path: the standard error is undefined" expect_exit 0 "$vestsim" run --paths 1 --format json
check "stderr null" contains out.txt '"stderr": null'
# One path: no half-width, so none on the value either; never "inf" (docs/cli.md#break-even).
check "breakeven of one path with --precision" expect_exit 0 "$vestsim" breakeven --paths 1 \
  --max-paths 1 --precision p_win=0.01 --metric mean --format markdown
check "the value's half-width is undefined" contains out.txt "±undefined on the value"
check "no inf in it" bash -c "! grep -qiw inf out.txt"
check "breakeven --scale first is said" expect_exit 0 "$vestsim" breakeven --paths 4000 --metric mean --format json
check "scales first" contains out.txt '"scales": "first"'
check "breakeven --scale all" expect_exit 0 "$vestsim" breakeven --paths 4000 --metric mean --scale all
check "all said in text" contains out.txt "(--scale all)"
check "sweep of the break-even multiplier" expect_exit 0 "$vestsim" sweep --vary scale:hf_ask=0.5:2:0.5 --paths 2000 --format csv
check "sweep scale rows" test "$(wc -l < out.txt)" = 5
check "memory is checked first" expect_exit 1 "$vestsim" run --paths 1e9 --memory-budget 1TB
check "memory message" contains err.txt "not enough memory: 1000000000 paths need about"
check "one path over the budget" expect_exit 2 "$vestsim" run --paths 1 --format html --memory-budget 1 --out one.html
check "one path needs, not paths need" contains err.txt "need the paths in memory: 1 path needs about"

# vestsim taxes: the shipped regimes, and one year's tax line by line (docs/cli.md#taxes).
check "taxes lists" expect_exit 0 "$vestsim" taxes
check "taxes lists fr-2026 with its year and currency" grep -qE '^fr-2026 +2026 +EUR +France' out.txt
check "taxes lists us-nyc-2026" grep -qE '^us-nyc-2026 +2026 +USD ' out.txt
check "taxes lists none" grep -qE '^none ' out.txt
check "taxes --category without a regime is refused" expect_exit 2 "$vestsim" taxes --category gain_long
check "  and says what it needs" contains err.txt "--category needs a regime and an income"
# fr-2026, 100,000 EUR of wages, by hand (docs/tax.md#t4-the-tax-of-one-year):
#   income tax: base 0.8 x 100,000 = 80,000 less clamp(0.08 x 100,000, 509, 14,556) = 8,000
#     -> 72,000, in the 30% bracket: 11% x (29,579 - 11,600) = 1,977.69
#     + 30% x (72,000 - 29,579) = 12,726.30 -> 14,703.99
#   exceptional contribution: same base 72,000 < 250,000 -> 0
#   social contributions on pay: 22% x 100,000 = 22,000.00; no gains, no qualified -> 0
#   total 36,703.99; net 63,296.01; effective 36.70%;
#   marginal: one more euro adds 0.72 to the base at 30% (0.216) plus 22% -> 43.60%
check "taxes fr-2026 100k" expect_exit 0 "$vestsim" taxes fr-2026 --income 100000
check "fr income tax line" grep -qE '^  income tax +72,000\.00 +30% +14,703\.99$' out.txt
check "fr contribution line" grep -qE '^  exceptional contribution on high incomes +72,000\.00 +0% +0\.00$' out.txt
check "fr social line" grep -qE '^  employee social contributions on pay +100,000\.00 +22% +22,000\.00$' out.txt
check "fr total" grep -qE '^total tax +36,703\.99$' out.txt
check "fr net" grep -qE '^net +63,296\.01$' out.txt
check "fr rates" contains out.txt "effective rate 36.70% (total / income); marginal rate 43.60%"
check "fr disclaimer" contains out.txt "A model of tax, not tax advice: regime fr-2026 (2026), from <built-in taxes/fr-2026.yaml>."
# us-nyc-2026, 50,000 USD of long-term gain alone, by hand:
#   federal: ordinary base 0 - 16,100 -> 0; the gain stacks on 0: 15% x (50,000 - 49,450) = 82.50
#   state: 50,000 - 8,000 = 42,000: 3.9% x 8,500 = 331.50; 4.4% x 3,200 = 140.80;
#     5.15% x 2,200 = 113.30; 5.4% x (42,000 - 13,900) = 1,517.40 -> 2,103.00
#   city on 42,000: 3.078% x 12,000 = 369.36; 3.762% x 13,000 = 489.06;
#     3.819% x 17,000 = 649.23 -> 1,507.65
#   FICA: no employment income; NIIT: 50,000 - 200,000 < 0 -> 0.  Total 3,693.15.
check "taxes us gain_long json" expect_exit 0 "$vestsim" taxes us-nyc-2026 --income 5e4 --category gain_long --format json
jnum() { grep -m1 "\"$1\":" out.txt | sed 's/.*: *//; s/,$//'; }
check "us total" awk -v t="$(jnum total)" 'BEGIN { exit !(t > 3693.145 && t < 3693.155) }'
check "us category" contains out.txt '"category": "gain_long"'
check "us amounts" contains out.txt '"gain_long": 50000.0'
check "taxes us gain_long text" expect_exit 0 "$vestsim" taxes us-nyc-2026 --income 50000 --category gain_long
check "us federal: base 0, no bracket" grep -qE '^  federal income tax +0\.00 +- +82\.50$' out.txt
check "us federal: all of it on gains" grep -qE '^    of which on gains, on top of the base +82\.50$' out.txt
check "us total text" grep -qE '^total tax +3,693\.15$' out.txt
check "taxes regime file" expect_exit 0 "$vestsim" taxes "$src"/taxes/fr-2026.yaml --income 100000
check "a file gives the same total" grep -qE '^total tax +36,703\.99$' out.txt
check "taxes unknown regime" expect_exit 2 "$vestsim" taxes fr-2062 --income 1
check "unknown regime: did you mean" contains err.txt "unknown regime 'fr-2062'; did you mean 'fr-2026'? shipped regimes: fr-2026, none, us-nyc-2026"
check "taxes needs --income" expect_exit 2 "$vestsim" taxes fr-2026
check "--income is asked for" contains err.txt "give --income X"
check "taxes bad income" expect_exit 2 "$vestsim" taxes fr-2026 --income -5
check "bad income said" contains err.txt "expected an amount from 0 to 1e12, got '-5'"
check "taxes bad category" expect_exit 2 "$vestsim" taxes fr-2026 --income 1 --category salary
check "bad category lists" contains err.txt "wages,equity_income,qualified,gain_short,gain_long"
check "qualified without a cap" expect_exit 2 "$vestsim" taxes us-nyc-2026 --income 1 --category qualified
check "qualified without a cap said" contains err.txt "has no qualified rule"
check "taxes bad regime file" expect_exit 2 "$vestsim" taxes bad_regime.yaml --income 1
check "taxes bad regime file line" contains err.txt "bad_regime.yaml:5"
check "an odd regime name" expect_exit 2 "$vestsim" taxes $'a\tb' --income 1
check "is escaped" contains err.txt "unknown regime 'a\x09b';"
check "validate an odd file name" expect_exit 2 "$vestsim" validate ' '
check "is quoted in its count" contains err.txt "' ': 1 problem"
long_name=$(printf 'x%.0s' $(seq 300)).txt
check "an --out name too long" expect_exit 1 "$vestsim" run flat_pay.yaml --paths 3 --out "$long_name"
check "says it cannot write it, and which step failed" grep -q \
  "^vestsim: cannot write x*\.txt (create its temporary file \.x*\.txt\.vestsim-tmp-[0-9]*): File name too long$" err.txt
check "taxes none" expect_exit 0 "$vestsim" taxes none --income 1000
check "none: no tax" grep -qE '^total tax +0\.00$' out.txt

# After tax (docs/tax.md#t6-outputs): every offer of the built-in scenario is under fr-2026;
# untaxed.yaml is the same without its tax keys.
cp "$src"/scenarios/hf-paris-vs-google-l5.yaml taxed.yaml
sed '/tax: {regime:/d; /tax_treatment:/d' taxed.yaml > untaxed.yaml
check "taxed run" expect_exit 0 "$vestsim" run taxed.yaml --paths 2000
check "taxed run: the disclaimer" contains out.txt "After-tax figures are a model of tax, not tax advice: regime fr-2026 (2026)."
check "taxed run leads after tax" grep -qE '^  Hugging Face Staff, Paris \(ask\) beats Google L5, Paris in [0-9.]+% of futures after tax' out.txt
check "taxed run: pre-tax beside it" grep -qE '^    before tax: [0-9.]+%' out.txt
check "breakeven states its basis" expect_exit 0 "$vestsim" breakeven taxed.yaml --paths 2000 --metric mean
check "after tax by default" contains out.txt "On totals after tax (--basis pre-tax for before tax). After-tax figures are a model"
check "breakeven --basis pre-tax" expect_exit 0 "$vestsim" breakeven taxed.yaml --paths 2000 --metric mean --basis pre-tax --format json
check "pre-tax in JSON" contains out.txt '"basis": "pre-tax"'
check "untaxed breakeven says so" expect_exit 0 "$vestsim" breakeven untaxed.yaml --paths 2000 --metric mean
check "untaxed basis" contains out.txt "On totals before tax: no offer has a tax regime."
check "bad --basis" expect_exit 2 "$vestsim" breakeven --basis post-tax
check "bad --basis said" contains err.txt "--basis: post-tax not in {after-tax,pre-tax}"
check "sweep after tax" expect_exit 0 "$vestsim" sweep taxed.yaml --vary scale:hf_ask=1:2:1 --paths 1000 --format json
check "sweep basis key" contains out.txt '"basis": "after-tax"'
check "sensitivity --basis" expect_exit 0 "$vestsim" sensitivity taxed.yaml --paths 500 --basis pre-tax
check "sensitivity states it" contains out.txt "On totals before tax (--basis pre-tax"
check "taxed csv keeps five fields" expect_exit 0 "$vestsim" run taxed.yaml --paths 500 --format csv
check "taxed csv five fields" bash -c "awk -F, 'NF != 5 { bad = 1 } END { exit bad }' out.txt"
check "taxed csv after_tax rows" contains out.txt "offer,hf_ask,after_tax,mean,"

finish
