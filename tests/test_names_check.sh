#!/usr/bin/env bash
# Fails if a Catch2 test name holds a semicolon: catch_discover_tests passes the names to ctest
# as a CMake list, which splits them there into entries that each run no test and fail.
set -u
cd "$1" || exit 1
bad=$(find tests -name '*.cpp' -exec perl -0777 -ne \
  'while (/TEST_CASE\(\s*("[^"]*;[^"]*")/g) { print "$ARGV: $1\n" }' {} +)
if [ -n "$bad" ]; then
  echo "test names with a semicolon (ctest splits them in two):"
  echo "$bad"
  exit 1
fi
echo "no test name holds a semicolon"
