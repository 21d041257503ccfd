#!/usr/bin/env bash
# MPI runs (docs/design.md#18-mpi-runs): `mpirun -np 2 vestsim ...` writes the
# same bytes (less "timing") as one process, for run (in memory and in two
# passes), a batch folder (files shared out whole), sweep (grid points shared
# out), sensitivity and breakeven (with --precision too).
set -euo pipefail
vestsim=$1
root=$2
work=$3
rm -rf "$work" && mkdir -p "$work"
cd "$root"
fail() { echo "FAIL: $*" >&2; exit 1; }

mpi=(mpirun -np 2 --oversubscribe)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)

strip_timing() {  # FILE: rewrites it without "timing", "version", "commit"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d.pop(k,None) for k in ("timing","version","commit")] if isinstance(d,dict) else None; open(sys.argv[1],"w").write(json.dumps(d,indent=1))' "$1"
}

same() {  # NAME ARGS...: one process against two ranks
  local name=$1
  shift
  "$vestsim" "$@" --format json --quiet --threads 1 > "$work/$name.one.json"
  "${mpi[@]}" "$vestsim" "$@" --format json --quiet --threads 1 > "$work/$name.two.json"
  strip_timing "$work/$name.one.json"
  strip_timing "$work/$name.two.json"
  cmp "$work/$name.one.json" "$work/$name.two.json" || fail "$name differs under mpirun -np 2"
}

same run run --paths 70001 --seed 3
same run-two-pass run --paths 70001 --seed 3 --memory-budget 1MB
# Two passes and a third for the certainty equivalents by shifted sum (rank 0 decides, broadcasts).
same run-two-pass-ce run tests/tools/huge_totals.yaml --paths 70001 --memory-budget 1MB
same sweep sweep --vary 'offers.hf_floor.grants[0].value=100000:400000:100000' --paths 3000
same sensitivity sensitivity scenarios/hf-paris-vs-criteo.yaml --paths 2000
same breakeven breakeven --paths 20000 --seed 2

same breakeven-precision breakeven --paths 4000 --seed 2 --metric win --metric mean \
  --basis pre-tax --precision p_win=0.01 --max-paths 40000

# A batch folder: its files run whole, file k on rank k mod 2; every report (JSON less
# timing, HTML and CSV as they are), the summaries (index.html) and stderr are the same.
for ranks in one two; do
  run=("$vestsim")
  [ "$ranks" = two ] && run=("${mpi[@]}" "$vestsim")
  "${run[@]}" run scenarios/ --paths 5000 --format json --format html --format csv \
    --out "$work/batch-$ranks" --quiet > /dev/null
  # What each file's run says (two passes), in file order; and a batch stopped by an error.
  "${run[@]}" run scenarios/ --paths 3000 --format markdown --memory-budget 100KB \
    > "$work/two-pass-$ranks.md" 2> "$work/two-pass-$ranks.err"
  status=0
  "${run[@]}" run scenarios/ --paths 3000 --format html --memory-budget 100KB --out \
    "$work/refused-$ranks" > /dev/null 2> "$work/refused-$ranks.err" || status=$?
  # (mpirun adds a notice of its own about the non-zero exit: only vestsim's lines count.)
  { grep '^vestsim' "$work/refused-$ranks.err" || true; echo "exit $status"; } \
    > "$work/refused-$ranks.said"
done
for f in two-pass.md two-pass.err refused.said; do
  cmp "$work/${f/./-one.}" "$work/${f/./-two.}" || fail "batch: $f differs under mpirun -np 2"
done
grep -q "exit 2" "$work/refused-two.said" || fail "batch: the refused batch did not exit 2"
n=0
for f in "$work"/batch-one/*; do
  g="$work/batch-two/$(basename "$f")"
  [ -f "$g" ] || fail "batch: $(basename "$f") missing under mpirun"
  case "$f" in *.json) strip_timing "$f"; strip_timing "$g" ;; esac
  cmp "$f" "$g" || fail "batch: $(basename "$f") differs under mpirun -np 2"
  n=$((n + 1))
done
[ "$n" = "$(find "$work/batch-two" -type f | wc -l)" ] || fail "batch: extra files under mpirun"
grep -q 'href="hf-paris-vs-criteo.html"' "$work/batch-two/index.html" ||
  fail "batch: the index page does not link every report"
# A batch on stdout: the reports in file order (Markdown has no timing).
"$vestsim" run scenarios/ --paths 3000 --format markdown --quiet > "$work/stdout-one.md"
"${mpi[@]}" "$vestsim" run scenarios/ --paths 3000 --format markdown --quiet > "$work/stdout-two.md"
cmp "$work/stdout-one.md" "$work/stdout-two.md" || fail "batch on stdout differs under mpirun"

# Ranks that see different inputs (docs/design.md#18-mpi-runs): VESTSIM_SIMD set on rank 1 only,
# as on a cluster where some nodes lack the instruction set. Rank 1 fails before the run while
# rank 0 goes on into the run's collectives; the job used to wait there forever. Rank 1 now says
# why on its own stderr and stops the job after its 30 s of patience, with its exit status.
status=0
mpmd=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && mpmd+=(--allow-run-as-root)
timeout 120 "${mpmd[@]}" -np 1 "$vestsim" run --paths 70001 --quiet : \
  -np 1 -x VESTSIM_SIMD=bogus "$vestsim" run --paths 70001 --quiet \
  > /dev/null 2> "$work/diverged.err" || status=$?
[ "$status" = 2 ] || fail "diverged ranks: exit $status, not 2 (124: the job hung)"
grep -q '^vestsim (MPI rank 1): VESTSIM_SIMD=bogus is not an instruction set' "$work/diverged.err" ||
  fail "diverged ranks: rank 1 did not say why"
grep -q 'did not end with this one within 30 s' "$work/diverged.err" ||
  fail "diverged ranks: nothing said the job was stopped"
# Ranks that fail alike end at once, with rank 0's words alone.
status=0
timeout 60 "${mpi[@]}" -x VESTSIM_SIMD=bogus "$vestsim" run --paths 3000 --quiet \
  > /dev/null 2> "$work/alike.err" || status=$?
[ "$status" = 2 ] || fail "alike failures: exit $status, not 2"
[ "$(grep -c '^vestsim' "$work/alike.err")" = 1 ] || fail "alike failures: not one vestsim line"
grep -q 'did not end with this one' "$work/alike.err" && fail "alike failures: the job was stopped"
# A batch whose folder differs between ranks (another working directory): rank 1 would run its
# file 2 (criteo), which is google-l5 on rank 0. It used to be filed under rank 0's name, or
# crash rank 0 on a file rank 1 did not run; now the ranks' inputs are compared at the first
# collective and every rank stops alike, naming rank 1.
mkdir -p "$work/wd0/b" "$work/wd1/b"
cp scenarios/hf-paris-vs-criteo.yaml scenarios/hf-paris-vs-google-l5.yaml "$work/wd0/b/"
cp scenarios/hf-nyc-vs-anthropic.yaml scenarios/hf-paris-vs-criteo.yaml \
  scenarios/hf-remote-vs-meta-e6.yaml "$work/wd1/b/"
status=0
timeout 120 "${mpmd[@]}" -np 1 -wdir "$work/wd0" "$vestsim" run b --paths 3000 --quiet \
  --format json --out "$work/wd-out" : -np 1 -wdir "$work/wd1" "$vestsim" run b --paths 3000 \
  --quiet --format json --out "$work/wd-out" > /dev/null 2> "$work/wd.err" || status=$?
[ "$status" = 1 ] || fail "batches that differ: exit $status, not 1"
grep -q "MPI rank 1 read other inputs than rank 0" "$work/wd.err" ||
  fail "batches that differ: not said"
[ ! -e "$work/wd-out/hf-paris-vs-google-l5.json" ] || fail "batches that differ: a report written"
# The same name with other contents (another seed on rank 1): nothing failed on either rank, and
# each simulated its own scenario into one report. Now refused, alike, before anything merges.
mkdir -p "$work/c0" "$work/c1"
cp scenarios/hf-paris-vs-criteo.yaml "$work/c0/s.yaml"
sed 's/seed: 1}/seed: 2}/' scenarios/hf-paris-vs-criteo.yaml > "$work/c1/s.yaml"
! cmp -s "$work/c0/s.yaml" "$work/c1/s.yaml" || fail "contents that differ: the test's edit did nothing"
status=0
timeout 120 "${mpmd[@]}" -np 1 -wdir "$work/c0" "$vestsim" run s.yaml --paths 40000 --quiet \
  --format json : -np 1 -wdir "$work/c1" "$vestsim" run s.yaml --paths 40000 --quiet \
  --format json > "$work/c.out" 2> "$work/c.err" || status=$?
[ "$status" = 1 ] || fail "contents that differ: exit $status, not 1"
grep -q "MPI rank 1 read other inputs than rank 0" "$work/c.err" ||
  fail "contents that differ: not said"
[ ! -s "$work/c.out" ] || fail "contents that differ: a report was printed"
# Ranks started by commands of their own (MPMD) with another --seed: the same files, but not
# the same scenario. Refused alike; another --threads, which changes no result, is not.
status=0
timeout 120 "${mpmd[@]}" -np 1 "$vestsim" run --paths 40000 --seed 1 --quiet --format json : \
  -np 1 "$vestsim" run --paths 40000 --seed 2 --quiet --format json > "$work/seed.out" \
  2> "$work/seed.err" || status=$?
[ "$status" = 1 ] || fail "another --seed on rank 1: exit $status, not 1"
grep -q "MPI rank 1 read other inputs than rank 0" "$work/seed.err" ||
  fail "another --seed on rank 1: not said"
[ ! -s "$work/seed.out" ] || fail "another --seed on rank 1: a report was printed"
"$vestsim" run --paths 40000 --threads 1 --quiet --format json > "$work/threads.one.json"
timeout 120 "${mpmd[@]}" -np 1 "$vestsim" run --paths 40000 --threads 1 --quiet --format json : \
  -np 1 "$vestsim" run --paths 40000 --threads 2 --quiet --format json \
  > "$work/threads.two.json" || fail "another --threads on rank 1: the run failed"
strip_timing "$work/threads.one.json"
strip_timing "$work/threads.two.json"
cmp "$work/threads.one.json" "$work/threads.two.json" ||
  fail "another --threads on rank 1: the report differs"
echo "mpi: identical"
