#!/usr/bin/env bash
# --sampler sobol end to end (docs/design.md#20-quasi-monte-carlo-sobol-points): the same JSON
# bytes (less "timing") on 1 and 2 threads and under every SIMD target, replicate errors in the
# report only when asked for, and bad names refused with a did-you-mean.
# usage: sobol_test.sh VESTSIM SOURCE_DIR WORK_DIR
source "$(dirname "$0")/e2e_lib.sh"
# Correlated growth (a bridge mixed with another driver) and two private companies.
scenario="$src/scenarios/hf-nyc-vs-anthropic.yaml"
"$vestsim" run "$scenario" --sampler sobol --paths 20000 --seed 3 --format json --quiet \
  --threads 1 | strip_timing >t1.json
"$vestsim" run "$scenario" --sampler sobol --paths 20000 --seed 3 --format json --quiet \
  --threads 2 | strip_timing >t2.json
check "1 and 2 threads give the same bytes" cmp -s t1.json t2.json
VESTSIM_SIMD=scalar "$vestsim" run "$scenario" --sampler sobol --paths 20000 --seed 3 \
  --format json --quiet --threads 2 | strip_timing >scalar.json
check "the scalar reference gives the same bytes as the default target" cmp -s t2.json scalar.json
check "a sobol report names its sampler" grep -q '"replicates": 16' t2.json
check "a sobol report has replicate errors" grep -q '"replicate_errors"' t2.json
# Text and Markdown say the standard error of P(a beats b) the JSON has (in points, 2 decimals;
# the first replicate_errors entry is before tax).
se=$(grep -A2 '"replicate_errors"' t2.json | sed -n 's/.*"stderr": \(.*\),/\1/p' | head -1)
points=$(awk -v s="$se" 'BEGIN { printf "%.2f", 100 * s }')
for format in text markdown; do
  "$vestsim" run "$scenario" --sampler sobol --paths 20000 --seed 3 --format "$format" --quiet \
    --threads 2 >sobol.out
  check "a sobol $format report says the P(a beats b) error ($points points)" \
    grep -q "Standard error of P(hf_ask beats anthropic) [0-9.]* points after tax, $points points before tax" sobol.out
done
"$vestsim" run "$scenario" --sampler philox --paths 2000 --seed 3 --format json --quiet \
  | strip_timing >philox.json
"$vestsim" run "$scenario" --paths 2000 --seed 3 --format json --quiet | strip_timing >default.json
check "philox is the default" cmp -s philox.json default.json
check "a philox report has no sampler key" test "$(grep -c '"sampler"\|replicate_errors' philox.json)" -eq 0
"$vestsim" run "$scenario" --set simulation.sampler=sobol --paths 20000 --seed 3 --format json \
  --quiet --threads 2 | strip_timing >set.json
check "simulation.sampler is the flag's key" cmp -s t2.json set.json

"$vestsim" run --sampler sobl --paths 100 >/dev/null 2>err.txt
check "a misspelt --sampler exits 2" test $? -eq 2
check "a misspelt --sampler gets a did-you-mean" grep -q "did you mean 'sobol'" err.txt
"$vestsim" run --set simulation.sampler=phlox --paths 100 >/dev/null 2>err.txt
check "a misspelt simulation.sampler exits 2" test $? -eq 2
check "a misspelt simulation.sampler gets a did-you-mean" grep -q "did you mean 'philox'" err.txt
"$vestsim" run --sampler sobol --paths 100000 --memory-budget 1MB --quiet >/dev/null 2>err.txt
check "a sobol run above the memory budget exits 2" test $? -eq 2
check "and says why" grep -q "sobol sampling's replicate errors need the paths in memory" err.txt

# Every study's JSON names a sobol sampler (docs/cli.md), and only a sobol one.
"$vestsim" breakeven "$scenario" --sampler sobol --paths 2000 --seed 3 --metric win \
  --format json --quiet >be.json
check "a sobol breakeven names its sampler" grep -q '"replicates": 16' be.json
"$vestsim" sweep "$scenario" --sampler sobol --paths 320 --seed 3 \
  --vary companies.huggingface.valuation=3e9:6e9:3e9 --format json --quiet >sw.json
check "a sobol sweep names its sampler" grep -q '"replicates": 16' sw.json
"$vestsim" sensitivity "$scenario" --sampler sobol --paths 320 --seed 3 --format json --quiet \
  >se.json
check "a sobol sensitivity names its sampler" grep -q '"replicates": 16' se.json
"$vestsim" sweep "$scenario" --paths 320 --seed 3 --vary companies.huggingface.valuation=3e9:6e9:3e9 \
  --format json --quiet >swp.json
check "a philox sweep has no sampler key" test "$(grep -c '"sampler"' swp.json)" -eq 0

# No scenario-level draw (public companies only, a fixed departure): sobol would be philox.
cat >public.yaml <<'YAML'
currency: USD
companies:
  g: {kind: public, price: 100, drift: 0.05, volatility: 0.3}
offers:
  a: {base: 100000, grants: [{company: g, type: public_rsu, value: 200000, vesting: {years: 4}}]}
  b: {base: 150000}
YAML
"$vestsim" run public.yaml --sampler sobol --paths 100 --quiet >/dev/null 2>err.txt
check "sobol with no scenario-level draw exits 2" test $? -eq 2
check "and says why, at the key" grep -q "simulation.sampler): sobol points need a scenario-level draw" err.txt
check "naming the flag the user typed" grep -q -- "--sampler (simulation.sampler)" err.txt
check "not --set" bash -c "! grep -q -- '--set' err.txt"
"$vestsim" run public.yaml --set simulation.sampler=sobol --paths 100 --quiet >/dev/null 2>err.txt
check "given with --set, it names --set" grep -q -- "--set simulation.sampler: sobol points need" err.txt

finish
