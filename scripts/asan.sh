#!/usr/bin/env bash
# The ASan + LSan + UBSan build in build-asan/ (migsafe, the tests, the fuzz targets):
# scripts/sanitizer.sh asan.
#
#   scripts/asan.sh build   configure and build build-asan/
#   scripts/asan.sh test    build, then run every test of the suite against the ASan binaries
exec "$(dirname "$0")/sanitizer.sh" asan "$@"
