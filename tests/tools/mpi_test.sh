#!/usr/bin/env bash
# MPI runs (docs/design.md#18-mpi-runs): `mpirun -np 2 vestsim ...` writes the
# same bytes (less "timing") as one process, for run (in memory and in two
# passes), a batch folder, sweep, sensitivity and breakeven.
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
same sweep sweep --vary 'offers.hf_floor.grants[0].value=100000:400000:100000' --paths 3000
same sensitivity sensitivity scenarios/hf-paris-vs-criteo.yaml --paths 2000
same breakeven breakeven --paths 20000 --seed 2

# A batch folder: every report and the summary.
"$vestsim" run scenarios/ --paths 5000 --format json --out "$work/batch-one" --quiet > /dev/null
"${mpi[@]}" "$vestsim" run scenarios/ --paths 5000 --format json --out "$work/batch-two" --quiet \
  > /dev/null
for f in "$work"/batch-one/*.json; do
  g="$work/batch-two/$(basename "$f")"
  [ -f "$g" ] || fail "batch: $(basename "$f") missing under mpirun"
  strip_timing "$f"
  strip_timing "$g"
  cmp "$f" "$g" || fail "batch: $(basename "$f") differs under mpirun -np 2"
done
echo "mpi: identical"
