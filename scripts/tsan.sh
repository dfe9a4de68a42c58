#!/usr/bin/env bash
# The ThreadSanitizer build in build-tsan/ (migsafe, the tests): scripts/sanitizer.sh tsan.
#
#   scripts/tsan.sh build   configure and build build-tsan/
#   scripts/tsan.sh test    build, run every test of the suite against the TSan binaries, then
#                           lint a generated corpus with check -j 2
exec "$(dirname "$0")/sanitizer.sh" tsan "$@"
