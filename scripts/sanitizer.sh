#!/usr/bin/env bash
# The sanitizer builds, each in a directory of its own (the normal build/ is untouched), with
# clang, -O1 -g:
#
#   asan  build-asan/: migsafe, its whole test suite and the fuzz targets with AddressSanitizer
#         (LeakSanitizer on, as by default on Linux) and UndefinedBehaviorSanitizer.
#   tsan  build-tsan/: migsafe and its whole test suite with ThreadSanitizer. migsafe lints
#         files on several threads (core/runner.cpp), parses a large file's chunks on several
#         threads (core/parse.cpp) and serves an editor from a reader and a linting thread
#         (lsp/): a data race in any of them fails the run.
#
#   scripts/sanitizer.sh asan|tsan build   configure and build
#   scripts/sanitizer.sh asan|tsan test    build, then run every test of the suite against the
#                                          instrumented binaries (tsan: and a two-thread run on a
#                                          generated corpus)
#
# scripts/asan.sh and scripts/tsan.sh are this script with the kind filled in. Any sanitizer
# report fails the run: UBSan and TSan stop at the first report (TSan exits 66), ASan and LSan
# exit non-zero, so the test (or the migsafe process a test runs) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
kind=${1:-}
action=${2:-test}

case "$kind" in
  asan)
    dir=build-asan
    flags=(-DMIGSAFE_SANITIZE=ON -DMIGSAFE_FUZZ=ON)
    name="ASan+LSan+UBSan"
    # Shared with scripts/fuzz.sh. halt_on_error: a UBSan report is a failure, not a warning.
    export ASAN_OPTIONS="detect_leaks=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    # One documented third-party leak (libpg_query); see the file.
    export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    ;;
  tsan)
    dir=build-tsan
    flags=(-DMIGSAFE_TSAN=ON)
    name="ThreadSanitizer"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    ;;
  *)
    echo "usage: scripts/sanitizer.sh asan|tsan build|test" >&2
    exit 2
    ;;
esac

build() {
  # -O1: a quarter of the compile time of -O2 with the same findings; -g for the reports.
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

# The tests' histories are small: also lint a generated corpus on two threads, with a 5 MB file
# that is linted as it is parsed (lint_streamed: its chunks parsed on a helper thread and the
# in-order one) after the other files were prepared on both (the benchmark's shape, smaller).
# Exit 1 means findings.
two_thread_run() {
  local corpus rc=0
  corpus=$(mktemp -d)
  build-tsan/gen-corpus "$corpus" 300 5 >/dev/null
  build-tsan/migsafe check --format json -j 2 "$corpus" >/dev/null || rc=$?
  rm -rf "$corpus"
  if [[ $rc -gt 1 ]]; then
    echo "tsan: migsafe check -j 2 on a generated corpus exited $rc" >&2
    return 1
  fi
}

case "$action" in
  build)
    build
    ;;
  test)
    build
    start=$(date +%s)
    MIGSAFE_REQUIRE_TOOLS=1 ctest --test-dir "$dir" --output-on-failure -j"$jobs"
    if [[ $kind == tsan ]]; then two_thread_run; fi
    echo "$kind: whole suite passed under $name in $(($(date +%s) - start)) s"
    ;;
  *)
    echo "usage: scripts/sanitizer.sh asan|tsan build|test" >&2
    exit 2
    ;;
esac
