#!/usr/bin/env bash
# Benchmark: prints, side by side in one run on the same corpus, the parse-only floor (a tiny
# program that only parses each file with libpg_query and unpacks the tree), migsafe
# `check --format json`, and squawk (JSON reporter) when it is installed: wall time, files/s,
# MB/s and peak RSS, on one core and on all cores, plus the one-small-file (pre-commit) case.
#
#   bench/run.sh                      # corpus: BENCH_FILES (3000) files + one BENCH_BIG_MB (20) MB file
#   bench/run.sh --install-squawk     # also install squawk-cli from npm into bench/node_modules
set -euo pipefail
cd "$(dirname "$0")/.."

files=${BENCH_FILES:-3000}
big_mb=${BENCH_BIG_MB:-20}
corpus=${BENCH_CORPUS:-bench/corpus}
cores=$(nproc)

if [[ "${1:-}" == "--install-squawk" && ! -x bench/node_modules/.bin/squawk ]]; then
  (cd bench && npm install --no-audit --no-fund --loglevel=error squawk-cli >/dev/null)
fi

[[ -x build/migsafe && -x build/parse-floor && -x build/measure && -x build/gen-corpus ]] || {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j"$cores" >/dev/null; }

if [[ ! -f "$corpus/.complete-$files-$big_mb" ]]; then
  rm -rf "$corpus"
  build/gen-corpus "$corpus" "$files" "$big_mb" >/dev/null
  touch "$corpus/.complete-$files-$big_mb"
fi
mapfile -t sqls < <(find "$corpus" -name '*.sql' | sort)
bytes=$(cat "${sqls[@]}" | wc -c)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

squawk=""
if command -v squawk >/dev/null 2>&1; then squawk=$(command -v squawk);
elif [[ -x bench/node_modules/.bin/squawk ]]; then squawk=bench/node_modules/.bin/squawk; fi

best_of=${BENCH_REPEAT:-3}
# Runs a command BENCH_REPEAT times, keeps the fastest wall time and its peak RSS.
measure() {
  local best="" line secs rss rc
  for ((i = 0; i < best_of; i++)); do
    line=$(build/measure "$@")
    read -r secs rss rc <<<"$line"
    if [[ -z "$best" ]] || awk -v a="$secs" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best="$secs $rss $rc"; fi
  done
  echo "$best"
}

row() {
  local label=$1 secs rss rc
  shift
  read -r secs rss rc <<<"$(measure "$@")"
  awk -v l="$label" -v s="$secs" -v r="$rss" -v n="${#sqls[@]}" -v mb="$mb" -v rc="$rc" \
    'BEGIN { printf "%-34s %8.3f s %9.0f files/s %7.1f MB/s %8.1f MB peak  (exit %s)\n", l, s, n / s, mb / s, r / 1024, rc }'
  echo "$secs" > "$tmp/$(printf "%s" "$label" | tr -c 'a-z0-9' '_')"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "corpus: ${#sqls[@]} files, $mb MB ($corpus); machine: $cores cores; best of $best_of runs"
echo
echo "-- one core"
row "parse-only floor (-j 1)" build/parse-floor -j 1 "${sqls[@]}"
row "migsafe check --format json -j 1" build/migsafe check --format json -j 1 "${sqls[@]}"
echo
echo "-- all cores"
row "parse-only floor (-j $cores)" build/parse-floor -j "$cores" "${sqls[@]}"
row "migsafe check --format json" build/migsafe check --format json "${sqls[@]}"
if [[ -n "$squawk" ]]; then
  row "squawk --reporter json ($($squawk --version 2>/dev/null | head -1))" "$squawk" --reporter json "${sqls[@]}"
else
  echo "squawk: not installed (bench/run.sh --install-squawk installs squawk-cli from npm)"
fi
echo
floor1=$(cat "$tmp/parse_only_floor___j_1_"); lint1=$(cat "$tmp/migsafe_check___format_json__j_1")
awk -v a="$lint1" -v b="$floor1" 'BEGIN { printf "migsafe / parse-only floor, one core: %.2fx\n", a / b }'
if [[ -n "$squawk" ]]; then
  lintn=$(cat "$tmp/migsafe_check___format_json"); sq=$(ls "$tmp" | grep '^squawk' | head -1)
  awk -v a="$(cat "$tmp/$sq")" -v b="$lintn" 'BEGIN { printf "migsafe throughput / squawk throughput: %.2fx\n", a / b }'
fi
small="${sqls[1]}"
times=()
for ((i = 0; i < 21; i++)); do read -r s _ _ <<<"$(build/measure build/migsafe check "$small")"; times+=("$s"); done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 11p)
awk -v m="$median" -v f="$(basename "$small")" -v b="$(wc -c <"$small")" \
  'BEGIN { printf "one small file end to end (%s, %d bytes): median %.1f ms of 21 runs\n", f, b, m * 1000 }'
