#!/usr/bin/env bash
# Fails if any C++ file differs from what clang-format makes of it.
set -u
cd "$1" || exit 1
command -v clang-format >/dev/null || { echo "clang-format is not installed: run scripts/install-deps"; exit 1; }
bad=0
for f in $(git ls-files '*.cpp' '*.hpp' '*.cpp.in' 2>/dev/null || find engine models tools tests bench -name '*.[ch]pp'); do
  case "$f" in *.in) continue ;; esac
  if ! clang-format --style=file "$f" | diff -q "$f" - >/dev/null; then
    echo "not formatted: $f (run: clang-format -i $f)"
    bad=1
  fi
done
[ $bad = 0 ] && echo "all C++ files formatted"
exit $bad
