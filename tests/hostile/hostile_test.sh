#!/usr/bin/env bash
# The hostile-input suite: what a careless or malicious user can hand vestsim,
# and what must happen. Every case asserts the exit code, a word of the
# message, and (where files are involved) what is on disk afterwards.
#
# usage: hostile_test.sh VESTSIM SOURCE_DIR WORK_DIR
#
# Exit codes (README): 0 success, 1 a run that failed at run time (memory, a
# write that failed), 2 bad usage or invalid input. No case may crash (exit
# >= 128), hang (10 s limit) or print a non-finite number with exit 0.
set -u
vestsim=$(realpath "$1") src=$(realpath "$2") work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0 passed=0 skipped=0
default="$src/scenarios/hf-paris-vs-google-l5.yaml"

fail() {
  echo "FAIL: $1"
  shift
  for line in "$@"; do echo "  $line"; done
  failures=$((failures + 1))
}

# expect NAME EXIT WORD CMD...: runs CMD (10 s limit); checks the exit code and
# that stdout or stderr contains WORD (case-insensitive; "" checks nothing).
expect() {
  local name=$1 want=$2 word=$3
  shift 3
  timeout 10 "$@" >out.txt 2>err.txt </dev/null
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "$name" "exit $got, wanted $want: $*" "$(head -c 400 err.txt)"
    return 1
  fi
  if [ -n "$word" ] && ! grep -qiF -- "$word" err.txt out.txt; then
    fail "$name" "'$word' not in the output of: $*" "$(head -c 400 err.txt)"
    return 1
  fi
  if [ "$got" = 0 ] && grep -qiE '(^|[^a-z])(nan|-?inf)([^a-z]|$)' out.txt; then
    fail "$name" "a non-finite number in the output of: $*"
    return 1
  fi
  passed=$((passed + 1))
}

# on_disk NAME CONDITION...: a check of what a case left behind.
on_disk() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else fail "$name" "on disk: $*"; fi
}
no_temp_files() {  # no vestsim temporary file left in folder $1
  [ -z "$(find "$1" -maxdepth 1 -name '*.vestsim-tmp*' 2>/dev/null)" ]
}
valid_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

# scenario NAME: writes the built-in scenario to NAME.yaml, then applies the
# sed expressions that follow (each a one-line edit).
scenario() {
  local name=$1
  shift
  cp "$default" "$name.yaml"
  for e in "$@"; do sed -i -e "$e" "$name.yaml"; done
}
# A small valid scenario, for inputs whose point is elsewhere.
cat >tiny.yaml <<'EOF'
currency: EUR
companies:
  acme: {kind: public, price: 100, drift: 0.05, volatility: 0.2}
offers:
  a:
    base: 100000
    grants: [{company: acme, type: public_rsu, value: 100000, vesting: {years: 4, every_months: 3}}]
  b: {base: 120000}
compare: [{a: a, b: b}]
EOF

########################################################################
# Ids: [A-Za-z0-9_-]+, never index -1.
scenario id_space 's/^  hf_ask:/  "hf ask":/'
expect "offer id with a space" 2 "hf ask" "$vestsim" validate id_space.yaml
expect "offer id with a space names the rule" 2 "A-Za-z0-9_-" "$vestsim" validate id_space.yaml
scenario id_slash 's/^  google:/  "goo\/gle":/'
expect "company id with a slash" 2 "A-Za-z0-9_-" "$vestsim" validate id_slash.yaml
scenario id_empty_company 's/company: google/company: ""/'
expect "empty company id" 2 "company" "$vestsim" validate id_empty_company.yaml
scenario id_unknown_company 's/company: google/company: gogle/'
expect "unknown company id suggests" 2 "google" "$vestsim" validate id_unknown_company.yaml
scenario id_html 's/^  hf_floor:/  "<b>x<\/b>":/'
expect "offer id with markup" 2 "A-Za-z0-9_-" "$vestsim" validate id_html.yaml

########################################################################
# YAML: size before parsing, one document, no tags, strict scalars.
expect "/dev/zero is refused quickly" 2 "not a regular file" "$vestsim" validate /dev/zero
mkfifo fifo.yaml
expect "a FIFO is refused without blocking" 2 "not a regular file" "$vestsim" validate fifo.yaml
truncate -s 2G huge.yaml
expect "a 2 GB file is refused unread" 2 "too large" "$vestsim" validate huge.yaml
rm -f huge.yaml
python3 -c "print('name: x\ncurrency: EUR\nnotes: [' + '1, ' * 5000000 + '1]')" > big16.yaml
expect "a 16 MB file is refused by size" 2 "too large" "$vestsim" validate big16.yaml
printf 'currency: EUR\n---\ncurrency: USD\n' > multi.yaml
expect "a second document is refused" 2 "document" "$vestsim" validate multi.yaml
scenario tag_python 's/^name: .*/name: !!python\/object:os.system x/'
expect "a !!python tag is refused" 2 "tag" "$vestsim" validate tag_python.yaml
scenario tag_binary 's/^    base: 135000 .*/    base: !!binary MTM1MDAw/'
expect "a !!binary tag is refused" 2 "tag" "$vestsim" validate tag_binary.yaml
scenario quoted_number 's/^    base: 135000 .*/    base: "135000"/'
expect "a quoted number is a string" 2 "string" "$vestsim" validate quoted_number.yaml
scenario underflow 's/^discount_rate: 0/discount_rate: 1e-400/'
expect "underflow is said as such" 2 "small" "$vestsim" validate underflow.yaml
python3 -c "print('currency: EUR\nx: ' + '[' * 20000 + ']' * 20000)" > deep.yaml
expect "deep nesting" 2 "nested too deep" "$vestsim" validate deep.yaml
printf 'currency: EUR\noffers:\n  a: {base: 1\xff\xfe}\n' > bad_utf8.yaml
expect "invalid UTF-8" 2 "UTF-8" "$vestsim" validate bad_utf8.yaml
: > empty.yaml
expect "an empty file" 2 "empty.yaml" "$vestsim" validate empty.yaml
printf -- '- 1\n- 2\n' > list.yaml
expect "a list at the top" 2 "map" "$vestsim" validate list.yaml
head -c 3000 /dev/urandom > junk.yaml 2>/dev/null
expect "binary junk" 2 "junk.yaml" "$vestsim" validate junk.yaml
printf 'currency: EUR\ncurrency: USD\ncompanies: {}\noffers: {a: {base: 1}}\n' > dup.yaml
expect "a duplicate key" 2 "duplicate" "$vestsim" validate dup.yaml
printf 'currency: EUR\ncompanies: {}\noffers:\n\ta: {base: 1}\n' > tabs.yaml
expect "tab indentation names a line" 2 "tabs.yaml:" "$vestsim" validate tabs.yaml
printf 'currency: EUR\ncompanies: {}\noffers: {a: {base: 1}}\nna\0me: x\n' > nul.yaml
expect "a NUL byte" 2 "nul.yaml" "$vestsim" validate nul.yaml
scenario nan_value 's/^    base: 135000 .*/    base: .nan/'
expect ".nan is not a number" 2 "finite" "$vestsim" validate nan_value.yaml
scenario inf_value 's/^    base: 135000 .*/    base: .inf/'
expect ".inf is not a number" 2 "finite" "$vestsim" validate inf_value.yaml
printf 'currency: EUR\ncompanies: {}\noffers:\n' > null_offers.yaml
expect "offers: with nothing" 2 "offers" "$vestsim" validate null_offers.yaml
printf 'currency: EUR\n? {a: 1}\n: 2\ncompanies: {}\noffers: {a: {base: 1}}\n' > map_key.yaml
expect "a map as a key" 2 "map_key.yaml:" "$vestsim" validate map_key.yaml
# Aliases are copies: --set on one path changes only that path.
cat >alias.yaml <<'EOF'
currency: EUR
companies:
  acme: {kind: public, price: 100, drift: 0.05, volatility: 0.2}
offers:
  a: &common
    base: 100000
    grants: [{company: acme, type: public_rsu, value: 100000, vesting: {years: 4, every_months: 3}}]
  b: *common
compare: [{a: a, b: b}]
EOF
expect "aliases load" 0 "" "$vestsim" run alias.yaml --paths 2000 --format json --set offers.a.base=200000
on_disk "--set on an alias changes only its own path" python3 -c '
import json; d = json.load(open("out.txt"))
a, b = d["offers"]["a"]["cash"]["mean"], d["offers"]["b"]["cash"]["mean"]
assert abs(a - 2 * b) < 1e-6 * a, (a, b)'

########################################################################
# --set and --vary: a path that does not exist is an error, last key included.
expect "--set: misspelt offer" 2 "did you mean 'hf_ask'" "$vestsim" run --paths 100 --set offers.hf_aks.base=1
expect "--set: misspelt last key" 2 "did you mean 'base'" "$vestsim" run --paths 100 --set offers.hf_ask.bse=1
expect "--set: misspelt top key" 2 "horizon_years" "$vestsim" run --paths 100 --set horizon_yaers=5
expect "--set: no path" 2 "--set" "$vestsim" run --paths 100 --set =5
expect "--set: no value" 2 "--set" "$vestsim" run --paths 100 --set offers.hf_ask.base
expect "--set: index out of range" 2 "grants" "$vestsim" run --paths 100 --set 'offers.hf_ask.grants[9].value=1'
expect "--set: bad index" 2 "--set" "$vestsim" run --paths 100 --set 'offers.hf_ask.grants[x].value=1'
expect "--set: not a number" 2 "expected a number" "$vestsim" run --paths 100 --set offers.hf_ask.base=abc
expect "--set: too large" 2 "too large" "$vestsim" run --paths 100 --set offers.hf_ask.base=1e400
expect "--set: empty value" 2 "base" "$vestsim" run --paths 100 --set offers.hf_ask.base=
expect "--set: a map replaced by a scalar" 2 "hf_ask" "$vestsim" run --paths 100 --set offers.hf_ask=1
expect "--vary: misspelt offer" 2 "did you mean" "$vestsim" sweep --paths 100 --vary offers.zz.base=1:2:1
expect "--vary: the same path twice" 2 "twice" "$vestsim" sweep --paths 100 --vary offers.hf_ask.base=1:2:1 --vary offers.hf_ask.base=1:2:1
expect "--vary: a text value" 2 "number" "$vestsim" sweep --paths 100 --vary offers.hf_ask.label=1:2:1
expect "--vary: a reversed range" 2 "--vary" "$vestsim" sweep --paths 100 --vary offers.hf_ask.base=5:1:1
expect "--vary: a zero step" 2 "--vary" "$vestsim" sweep --paths 100 --vary offers.hf_ask.base=1:5:0
expect "--vary: the grid point that breaks another key is named" 2 \
  "grid point companies.huggingface.exit.time_years.p10=9 is invalid" \
  "$vestsim" sweep "$src/scenarios/hf-paris-vs-criteo.yaml" --paths 100 --vary companies.huggingface.exit.time_years.p10=1:9:4
expect "--vary: a huge grid is refused before it is built" 2 "points" "$vestsim" sweep --paths 100 --vary offers.hf_ask.base=0:1e15:1

########################################################################
# Values that would overflow: refused at load time, naming the input.
scenario big_sigma 's/post_ipo: {drift: 0.07, volatility: 0.55}/post_ipo: {drift: 0.07, volatility: 1000}/'
expect "volatility 1000" 2 "volatility" "$vestsim" validate big_sigma.yaml
scenario big_multiple 's/multiple: {dist: lognormal, p10: 1.5, p90: 6}/multiple: 1e308/'
expect "a multiple of 1e308" 2 "multiple" "$vestsim" validate big_multiple.yaml
scenario tiny_fx 's/USD: 0.86 .*/USD: 4e-320/'
expect "an fx of 4e-320" 2 "USD" "$vestsim" validate tiny_fx.yaml
scenario big_valuation 's/valuation: 4.5e9 .*/valuation: 1e308/'
expect "a valuation of 1e308" 2 "valuation" "$vestsim" validate big_valuation.yaml
scenario zero_horizon 's/^horizon_years: 4 .*/horizon_years: 0.01/'
expect "a horizon that rounds to 0 months" 2 "horizon_years" "$vestsim" validate zero_horizon.yaml
scenario big_drift 's/drift: 0.07         # ASSUMPTION: long-run.*/drift: 1e10/'
expect "a drift of 1e9" 2 "drift" "$vestsim" validate big_drift.yaml
scenario big_rounds 's/rounds_per_year: 0.4 .*/rounds_per_year: 1e6/'
expect "1e6 dilution rounds a year" 2 "rounds_per_year" "$vestsim" validate big_rounds.yaml
scenario bad_dilution 's/per_round: {dist: uniform, low: 0.05, high: 0.20}/per_round: {dist: uniform, low: 5, high: 20}/'
expect "a dilution distribution in percent" 2 "per_round" "$vestsim" validate bad_dilution.yaml
scenario late_exit 's/time_years: {dist: lognormal, p10: 1.5, p90: 8}/time_years: {dist: lognormal, median: 5, sigma: 40}/'
expect "heavy-tailed exit times neither hang nor overflow" 0 "" "$vestsim" run late_exit.yaml --paths 20000 --format json
scenario weibull_exit 's/time_years: {dist: lognormal, p10: 1.5, p90: 8}/time_years: {dist: weibull, shape: 0.02, scale: 5}/'
expect "a Weibull exit with a tiny shape" 0 "" "$vestsim" run weibull_exit.yaml --paths 20000 --format json
scenario huge_bonus 's/^    raise: 0.03 .*/    raise: 0.03\n    bonus: {target: 0.1, multiplier: {dist: normal, mean: 1e300, sd: 1e300}}/'
expect "a bonus multiplier of 1e300" 2 "multiplier" "$vestsim" run huge_bonus.yaml --paths 1000

########################################################################
# Memory: every command estimates its peak first and refuses with exit 1.
# Above --memory-budget (default half the RAM) a run goes to two passes instead
# (docs/design.md#17-two-pass-runs-exact-summaries-in-bounded-memory); with a
# budget it cannot honour in memory it is still refused before allocating.
expect "run 1e9 paths in memory" 1 "memory" "$vestsim" run --paths 1e9 --memory-budget 1TB
expect "HTML of 1e9 paths" 2 "need the paths in memory" "$vestsim" run --paths 1e9 --format html
expect "breakeven 1e9 paths" 1 "memory" "$vestsim" breakeven --paths 1e9
expect "breakeven --solve base 1e9 paths" 1 "memory" "$vestsim" breakeven --solve base --paths 1e9
expect "sweep 400 points of 1e9 paths" 1 "memory" "$vestsim" sweep --paths 1e9 --vary 'offers.hf_ask.base=1:400:1'
expect "sensitivity 1e9 paths" 1 "memory" "$vestsim" sensitivity --paths 1e9
expect "bench 1e9 paths" 1 "memory" "$vestsim" bench --paths 1e9

########################################################################
# Output: whole or nothing; write errors are exit 1; never over an input.
if [ -w /dev/full ]; then
  expect "run > /dev/full" 1 "write" bash -c "'$vestsim' run --paths 1000 > /dev/full"
  expect "--out /dev/full" 1 "" "$vestsim" run --paths 1000 --out /dev/full
  expect "validate > /dev/full" 1 "" bash -c "'$vestsim' validate '$default' > /dev/full"
else
  skipped=$((skipped + 3))
fi
cp tiny.yaml self.yaml
expect "--out over the input scenario" 2 "self.yaml" "$vestsim" run self.yaml --paths 100 --format text --out self.yaml
on_disk "the input scenario is untouched" cmp -s tiny.yaml self.yaml
expect "--paths-out over the input scenario" 2 "self.yaml" "$vestsim" run self.yaml --paths 100 --paths-out self.yaml
on_disk "the input scenario is still untouched" cmp -s tiny.yaml self.yaml
expect "two outputs to one path" 2 "same" "$vestsim" run tiny.yaml --paths 100 --format json --out same.json --paths-out same.json
mkdir -p d1 d2 && cp tiny.yaml d1/x.yaml && cp tiny.yaml d2/x.yaml
expect "a batch whose outputs collide" 2 "x" "$vestsim" run d1/x.yaml d2/x.yaml --paths 100 --format json --out collide/
mkdir -p special && cp tiny.yaml special/summary.yaml && cp tiny.yaml special/a.yaml
expect "a scenario called summary in a batch" 2 "summary" "$vestsim" run special --paths 100 --format json --out special_out/
mkdir -p mixed && cp tiny.yaml mixed/good1.yaml && cp tiny.yaml mixed/good2.yaml && printf 'currency: 1\n' > mixed/bad.yaml
expect "a folder with one invalid file" 2 "bad.yaml" "$vestsim" run mixed --paths 100 --format json --out mixed_out/
on_disk "the good files still get reports" test -s mixed_out/good1.json -a -s mixed_out/good2.json
mkdir -p html_names && cp tiny.yaml 'html_names/<b>x&y.yaml'
expect "markup in a file name" 0 "" "$vestsim" run html_names --paths 100 --format html --out html_out/
on_disk "the batch index escapes it" bash -c "! grep -q '<b>x&y' html_out/index.html && grep -q '&lt;b&gt;x&amp;y' html_out/index.html"
expect "--paths-out into a missing folder" 2 "" "$vestsim" run tiny.yaml --paths 100 --paths-out no/such/dir/p.csv
expect "--paths-out upper-case .NPY is numpy" 0 "" "$vestsim" run tiny.yaml --paths 100 --paths-out up.NPY --quiet
on_disk "the .NPY file has the numpy magic" bash -c "head -c 6 up.NPY | grep -q NUMPY"
mkdir -p loop && ln -sf b loop/a && ln -sf a loop/b && cp tiny.yaml loop/ok.yaml
expect "a symlink loop in a folder" 2 "loop" "$vestsim" run loop --paths 100 --format json --out loop_out/
on_disk "the loop's entries are said in name order" bash -c \
  "grep 'symlink loop' err.txt | cut -d: -f1 | sort -c && test \$(grep -c 'symlink loop' err.txt) = 2"
mkdir -p dangling && ln -sf missing.yaml dangling/gone.yaml && cp tiny.yaml dangling/ok.yaml
expect "a broken symlink in a folder is named as such" 2 "gone.yaml: a broken symlink" \
  "$vestsim" run dangling --paths 100 --format json --out dangling_out/
# Interrupted writes leave the whole file or none.
for sig in INT TERM; do
  rm -f big_$sig.csv
  "$vestsim" run tiny.yaml --paths 3e6 --quiet --paths-out big_$sig.csv >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do
    [ -n "$(find . -maxdepth 1 -name "big_$sig.csv*" 2>/dev/null)" ] && break
    sleep 0.1
  done
  sleep 0.3
  kill -s $sig $pid 2>/dev/null
  wait $pid
  status=$?
  # The signal may land after the rename (the run wrote its file and was
  # exiting): then the file is whole. Otherwise there is no file at all.
  if [ $status = 0 ] || [ -e big_$sig.csv ]; then
    on_disk "SIG$sig: a file under the final name is whole" test "$(wc -l < big_$sig.csv)" = 3000001
  else
    on_disk "SIG$sig: no file under the final name" test ! -e big_$sig.csv
  fi
  on_disk "SIG$sig: no temporary file left" no_temp_files .
done
# A full disk: a 100 KB tmpfs (needs root).
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=100k tmpfs small 2>/dev/null; then
  expect "--paths-out onto a full disk" 1 "" "$vestsim" run tiny.yaml --paths 20000 --quiet --paths-out small/p.csv
  on_disk "full disk: no partial file" test ! -e small/p.csv
  on_disk "full disk: no temporary file" no_temp_files small
  head -c 200k /dev/zero > small/fill 2>/dev/null  # the report alone fits in 100 KB: fill the disk first
  expect "--out onto a full disk" 1 "" "$vestsim" run --paths 2000 --quiet --format html --out small/r.html
  on_disk "full disk: no partial report" test ! -e small/r.html
  on_disk "full disk: no temporary report" no_temp_files small
  rm -f small/fill
  umount small
else
  skipped=$((skipped + 5))
fi

########################################################################
# Formats: a command given a format it does not support says which it does.
expect "breakeven --format csv" 2 "markdown" "$vestsim" breakeven --paths 1000 --format csv
expect "bench --format html" 2 "json" "$vestsim" bench --paths 1000 --format html
expect "run --format pdf" 2 "html" "$vestsim" run --paths 100 --format pdf
scenario dup_pct 's/percentiles: \[5, 10, 25, 50, 75, 90, 95\]/percentiles: [50, 50, 90]/'
expect "duplicate percentiles are refused" 2 "percentiles" "$vestsim" validate dup_pct.yaml
scenario pct_range 's/percentiles: \[5, 10, 25, 50, 75, 90, 95\]/percentiles: [50, 101]/'
expect "a percentile above 100" 2 "percentiles" "$vestsim" validate pct_range.yaml

########################################################################
# Versions.
expect "--version" 0 "vestsim" "$vestsim" --version
expect "the JSON report records the version" 0 '"version"' "$vestsim" run --paths 100 --format json
expect "the HTML footer records the version" 0 "vestsim 0." "$vestsim" run --paths 100 --format html

########################################################################
# Small ones.
expect "--paths ''" 2 "--paths" "$vestsim" run --paths ''
expect "--paths 0" 2 "--paths" "$vestsim" run --paths 0
expect "--paths -5" 2 "--paths" "$vestsim" run --paths -5
expect "--paths 1.5" 2 "--paths" "$vestsim" run --paths 1.5
expect "--paths 0 names --paths, not --set" 2 "--paths" bash -c "'$vestsim' run --paths 0 2>&1 | grep -v 'simulation.paths'; exit \${PIPESTATUS[0]}"
expect "--seed above 2^53" 2 "--seed" "$vestsim" run --paths 100 --seed 9007199254740993
expect "--seed of 2^53 works" 0 "" "$vestsim" run --paths 100 --seed 9007199254740992
expect "--seed -1" 2 "--seed" "$vestsim" run --paths 100 --seed -1
expect "--threads above the cores says what was used" 0 "thread" "$vestsim" run --paths 1000 --threads 64
expect "--threads -1" 2 "--threads" "$vestsim" run --paths 100 --threads -1
expect "--paths 1 says the standard error is undefined" 0 "undefined" "$vestsim" run --paths 1
expect "no '1 paths'" 0 "" bash -c "'$vestsim' run --paths 1 | grep -v '1 paths'"
expect "an unknown command" 2 "frobnicate" "$vestsim" frobnicate
expect "an unknown flag" 2 "--frob" "$vestsim" run --frob
expect "a missing scenario file" 2 "no-such.yaml" "$vestsim" run no-such.yaml
mkdir -p empty-folder
expect "a folder with no scenarios" 2 "no scenario" "$vestsim" run empty-folder
expect "--compare with an unknown offer" 2 "offers in this scenario" "$vestsim" sensitivity --paths 100 --compare zz:google
expect "--compare without a colon" 2 "--compare" "$vestsim" sweep --paths 100 --compare hf_ask --vary offers.hf_ask.base=1:2:1
expect "breakeven against itself" 2 "same offer" "$vestsim" breakeven --paths 100 --offer google --against google
expect "breakeven --scale first|all only" 2 "--scale" "$vestsim" breakeven --paths 100 --scale some
expect "--threads beyond an int is the usual message" 2 "--threads: expected a whole number from 0 to 1024" "$vestsim" run --paths 100 --threads 2147483648
expect "--help whatever VESTSIM_SIMD says" 0 "Usage" env VESTSIM_SIMD=foo "$vestsim" run --help
expect "--version whatever VESTSIM_SIMD says" 0 "vestsim" env VESTSIM_SIMD=foo "$vestsim" --version
expect "a command with a bad VESTSIM_SIMD" 2 "VESTSIM_SIMD=foo" env VESTSIM_SIMD=foo "$vestsim" validate "$src/scenarios/hf-paris-vs-google-l5.yaml"
expect "an offer id twice" 2 "offers.a: duplicate key" bash -c "printf 'currency: EUR\nemployee: {departure: {annual_rate: 0}}\ncompanies: {}\noffers:\n  a: {base: 100000}\n  b: {base: 120000}\n  a: {base: 50000}\n' > dup_id.yaml && '$vestsim' validate dup_id.yaml"
expect "a bad file value a flag replaces is still refused" 2 "simulation.seed" bash -c "printf 'currency: EUR\nsimulation: {paths: 100, seed: -1}\nemployee: {departure: {annual_rate: 0}}\ncompanies: {}\noffers:\n  a: {base: 100000}\n  b: {base: 120000}\n' > bad_seed.yaml && '$vestsim' run bad_seed.yaml --seed 3 --quiet"
expect "a bad --set a flag replaces is still refused" 2 "--set simulation.paths" "$vestsim" run --paths 100 --quiet --set simulation.paths=abc
expect "a flag wins over a --set of its key" 0 '"paths": 100,' "$vestsim" run --paths 100 --quiet --set simulation.paths=500 --format json
expect "--paths-out into a missing folder, said before the run" 2 "there is no folder" "$vestsim" run --paths 100 --quiet --out never.txt --paths-out no-such-folder/x.csv
expect "and nothing was written" 0 "" bash -c "! test -e never.txt"
expect "a --vary value out of range names --vary" 2 "--vary (offers.hf_ask.base)" "$vestsim" sweep --paths 100 --quiet --vary offers.hf_ask.base=0:1e10:1e9
expect "a sweep's Markdown title keeps ids as written" 0 "# Sweep: hf_ask vs google (" "$vestsim" sweep --paths 200 --quiet --vary offers.hf_ask.base=100000:110000:10000 --format markdown
expect "a tornado's Markdown title keeps ids as written" 0 "# Sensitivity of hf_ask vs google (" "$vestsim" sensitivity --paths 200 --quiet --format markdown
expect "a file after --format is the scenario" 0 "" "$vestsim" run --paths 100 --quiet --format json "$src/scenarios/hf-paris-vs-google-l5.yaml"

echo "hostile: $passed passed, $failures failed, $skipped skipped"
echo "$passed passed, $failures failed"
[ $failures = 0 ]
