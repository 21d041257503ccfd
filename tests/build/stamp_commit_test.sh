#!/usr/bin/env bash
# cmake/StampCommit.cmake, which writes the commit into version.cpp at every build: the short
# hash of a clean checkout, "-dirty" after it once a tracked file changes, the same again once
# the change is committed, "unknown" outside a git checkout; and the file is left alone (its
# timestamp too) when the stamp did not change, so a no-op build rebuilds nothing.
set -euo pipefail
root=$1
work=$2
rm -rf "$work" && mkdir -p "$work/repo" "$work/plain"
fail() { echo "FAIL: $*" >&2; exit 1; }
printf 'commit=@VESTSIM_COMMIT@ version=@PROJECT_VERSION@\n' > "$work/template.in"
stamp() {  # DIR: writes $work/out.txt for sources in DIR
  cmake "-DSOURCE_DIR=$1" "-DGIT_EXECUTABLE=$(command -v git)" -DPROJECT_VERSION=9.8.7 \
    "-DTEMPLATE=$work/template.in" "-DOUTPUT=$work/out.txt" -P "$root/cmake/StampCommit.cmake"
}
cd "$work/repo"
git init -q . && git config user.email t@example.com && git config user.name test
echo a > tracked.txt && git add tracked.txt && git commit -qm one
hash=$(git rev-parse --short HEAD)

stamp "$work/repo"
[[ $(cat "$work/out.txt") == "commit=$hash version=9.8.7" ]] || fail "clean: $(cat "$work/out.txt")"
before=$(stat -c %Y "$work/out.txt")
sleep 1.1
stamp "$work/repo"
[[ $(stat -c %Y "$work/out.txt") == "$before" ]] || fail "an unchanged stamp rewrote the file"

echo new > untracked.txt  # untracked files are not the tree's sources
stamp "$work/repo"
[[ $(cat "$work/out.txt") == "commit=$hash version=9.8.7" ]] || fail "untracked: $(cat "$work/out.txt")"

echo b >> tracked.txt
stamp "$work/repo"
[[ $(cat "$work/out.txt") == "commit=$hash-dirty version=9.8.7" ]] || fail "dirty: $(cat "$work/out.txt")"

git commit -qam two
stamp "$work/repo"
new=$(git rev-parse --short HEAD)
[[ $new != "$hash" && $(cat "$work/out.txt") == "commit=$new version=9.8.7" ]] ||
  fail "after commit: $(cat "$work/out.txt")"

stamp "$work/plain"
[[ $(cat "$work/out.txt") == "commit=unknown version=9.8.7" ]] || fail "no git: $(cat "$work/out.txt")"
echo "stamp_commit: ok"
