# Sourced by the end-to-end scripts, which take VESTSIM SOURCE_DIR WORK_DIR: sets
# vestsim, src and work, starts in an empty WORK_DIR, and gives check, strip_timing
# and finish (the last line of a script: prints the counts, fails on any failure).
set -u
vestsim=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0 passed=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
strip_timing() {  # JSON on stdin, without the top-level "timing"
  python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("timing",None); print(json.dumps(d,indent=1))'
}
finish() {
  echo "$passed passed, $failures failed"
  [ "$failures" -eq 0 ]
}
