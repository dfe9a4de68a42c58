#!/usr/bin/env bash
# The ThreadSanitizer build: migsafe and its whole test suite compiled with clang and
# -fsanitize=thread, in build-tsan/ (build/ and build-asan/ are untouched). migsafe lints files
# on several threads (core/runner.cpp), parses a large file's chunks on several threads
# (core/parse.cpp) and serves an editor from a reader and a linting thread (lsp/): a data race
# in any of them fails this run.
#
#   scripts/tsan.sh build   configure and build build-tsan/
#   scripts/tsan.sh test    build, then run every test of the suite against the TSan binaries
#
# halt_on_error: the first race report ends the process with exit code 66, so the test (or the
# migsafe process a test runs) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

build() {
  CC=clang CXX=clang++ cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DMIGSAFE_TSAN=ON >/dev/null
  cmake --build build-tsan -j"$jobs"
}

case "${1:-test}" in
  build)
    build
    ;;
  test)
    build
    start=$(date +%s)
    MIGSAFE_REQUIRE_TOOLS=1 ctest --test-dir build-tsan --output-on-failure -j"$jobs"
    # The tests' histories are small: also lint a generated corpus on two threads, with a 2 MB
    # file that is parsed in chunks on both (the benchmark's shape, smaller). Exit 1 means
    # findings; a race report exits 66.
    corpus=$(mktemp -d)
    trap 'rm -rf "$corpus"' EXIT
    build-tsan/gen-corpus "$corpus" 300 2 >/dev/null
    rc=0
    build-tsan/migsafe check --format json -j 2 "$corpus" >/dev/null || rc=$?
    if [[ $rc -gt 1 ]]; then
      echo "tsan: migsafe check -j 2 on a generated corpus exited $rc" >&2
      exit 1
    fi
    echo "tsan: whole suite and a two-thread run passed under ThreadSanitizer in" \
      "$(($(date +%s) - start)) s"
    ;;
  *)
    echo "usage: scripts/tsan.sh build | test" >&2
    exit 2
    ;;
esac
