#!/usr/bin/env bash
# Interleaved timing of two migsafe binaries and the parse-only floor on one corpus, for a
# machine whose load changes from run to run (a shared host): each round runs the old binary,
# the new one and the floor once, in turn, and the fastest and median wall time of each over
# the rounds are printed. bench/run.sh times one binary at a time (best of 3), so a slow minute
# on the host can land on one binary only.
#
#   bench/compare.sh OLD_MIGSAFE [ROUNDS] [JOBS] [CORPUS]
#   bench/compare.sh /tmp/old/build/migsafe 7 1 bench/corpus-3000-0
#
# OLD_MIGSAFE is usually a build of an earlier commit (git worktree add /tmp/old REV, then
# cmake -S /tmp/old -B /tmp/old/build -DCMAKE_BUILD_TYPE=Release -DMIGSAFE_TESTS=OFF and build
# the migsafe target). The new binary is build/migsafe, the floor build/parse-floor.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench/compare.sh OLD_MIGSAFE [ROUNDS] [JOBS] [CORPUS]}
rounds=${2:-7}
jobs=${3:-1}
corpus=${4:-bench/corpus-3000-0}
[[ -x build/migsafe && -x build/parse-floor && -x build/measure ]] || {
  echo "build/ first (cmake --build build)" >&2
  exit 2
}
mapfile -t sqls < <(find "$corpus" -name '*.sql' | sort)
declare -A times
for ((r = 0; r < rounds; r++)); do
  times[old]+="$(build/measure "$old" check --format json -j "$jobs" "$corpus" | cut -d' ' -f1) "
  times[new]+="$(build/measure build/migsafe check --format json -j "$jobs" "$corpus" | cut -d' ' -f1) "
  times[floor]+="$(build/measure build/parse-floor -j "$jobs" "${sqls[@]}" | cut -d' ' -f1) "
done
echo "$corpus, -j $jobs, $rounds interleaved rounds (wall seconds)"
for k in floor old new; do
  # shellcheck disable=SC2086
  printf '  %-6s fastest %s  median %s\n' "$k" \
    "$(printf '%s\n' ${times[$k]} | sort -n | head -1)" \
    "$(printf '%s\n' ${times[$k]} | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
done
