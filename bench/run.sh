#!/usr/bin/env bash
# Benchmark: prints, side by side in one run on the same corpus, the parse-only floor (a tiny
# program that only reads and parses each file with libpg_query and unpacks the tree), migsafe
# `check --format json`, and squawk (`--reporter json`, its native binary): wall time, files/s,
# MB/s and peak RSS, on one core and on all cores; the large file alone; one small file end to
# end (the pre-commit case); then the ratios and a PASS/MISS line per target of issue 6. Each
# row is the fastest of BENCH_REPEAT (3) runs; the floor and migsafe run in turn (floor,
# migsafe, floor, ...), so that a change in the host's load falls on both sides of the ratio.
#
#   bench/run.sh            # corpus: BENCH_FILES (3000) files + one BENCH_BIG_MB (20) MB file
#   BENCH_FILES=20000 BENCH_BIG_MB=0 bench/run.sh      # memory on a large corpus
#
# squawk-cli is installed from npm into bench/node_modules when missing (skipped, loudly, when
# npm or the registry is unreachable). The native binary is timed, not the node wrapper in
# node_modules/.bin: node's start-up would dominate otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${BENCH_FILES:-3000}
big_mb=${BENCH_BIG_MB:-20}
corpus=${BENCH_CORPUS:-bench/corpus-$files-$big_mb}
cores=$(nproc)
best_of=${BENCH_REPEAT:-3}

squawk=""
native=bench/node_modules/@squawk-cli/linux-x64/bin/squawk
if [[ ! -x "$native" ]]; then
  if command -v npm >/dev/null 2>&1 &&
    (cd bench && timeout 300 npm install --no-audit --no-fund --loglevel=error squawk-cli >/dev/null 2>&1); then
    :
  else
    echo "!! squawk: could not install squawk-cli from npm (npm missing or registry unreachable):" \
      "the squawk column and its targets are SKIPPED" >&2
  fi
fi
[[ -x "$native" ]] && squawk=$native

[[ -x build/migsafe && -x build/parse-floor && -x build/measure && -x build/gen-corpus ]] || {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j"$cores" >/dev/null; }

if [[ ! -f "$corpus/.complete" ]]; then
  rm -rf "$corpus"
  build/gen-corpus "$corpus" "$files" "$big_mb" >/dev/null
  touch "$corpus/.complete"
fi
mapfile -t sqls < <(find "$corpus" -name '*.sql' | sort)
big="$corpus/V99999__bulk_seed_data.sql"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The faster of two "secs rss rc" results (the first when the second is empty or slower).
faster() {
  if [[ -z "$1" ]] || awk -v a="${2%% *}" -v b="${1%% *}" 'BEGIN { exit !(a < b) }'; then
    echo "$2"
  else
    echo "$1"
  fi
}

# Runs a command BENCH_REPEAT times; prints the fastest wall time and the peak RSS (KiB) of the
# same run, and its exit code.
measure() {
  local best="" secs rss rc
  for ((i = 0; i < best_of; i++)); do
    read -r secs rss rc _ <<<"$(build/measure "$@")"
    best=$(faster "$best" "$secs $rss $rc")
  done
  echo "$best"
}

# print_row KEY LABEL NFILES MB "secs rss rc": one line of the table; keeps "secs rss" in
# $tmp/KEY.
print_row() {
  local key=$1 label=$2 n=$3 mb=$4 secs rss rc
  read -r secs rss rc <<<"$5"
  awk -v l="$label" -v s="$secs" -v r="$rss" -v n="$n" -v mb="$mb" -v rc="$rc" \
    'BEGIN { printf "  %-40s %8.3f s %9.0f files/s %7.1f MB/s %8.1f MB peak  (exit %s)\n", l, s, n / s, mb / s, r / 1024, rc }'
  echo "$secs $rss" >"$tmp/$key"
}

# row KEY LABEL NFILES MB CMD...: one command, best of BENCH_REPEAT runs.
row() {
  local key=$1 label=$2 n=$3 mb=$4
  shift 4
  print_row "$key" "$label" "$n" "$mb" "$(measure "$@")"
}

# pair_rows KEY_A LABEL_A KEY_B LABEL_B NFILES MB: the commands in the arrays cmd_a and cmd_b,
# run in turn BENCH_REPEAT times (a, b, a, b ...), each row from its fastest run. The floor
# ratio comes from these pairs: on a host whose load changes from minute to minute, running one
# command three times and then the other three times can put a slow minute on one side only.
pair_rows() {
  local best_a="" best_b="" secs rss rc
  for ((i = 0; i < best_of; i++)); do
    read -r secs rss rc _ <<<"$(build/measure "${cmd_a[@]}")"
    best_a=$(faster "$best_a" "$secs $rss $rc")
    read -r secs rss rc _ <<<"$(build/measure "${cmd_b[@]}")"
    best_b=$(faster "$best_b" "$secs $rss $rc")
  done
  print_row "$1" "$2" "$5" "$6" "$best_a"
  print_row "$3" "$4" "$5" "$6" "$best_b"
}
val() { cut -d' ' -f"$2" "$tmp/$1"; }
size_mb() { cat "$@" | wc -c | awk '{ printf "%.1f", $1 / 1048576 }'; }

mb=$(size_mb "${sqls[@]}")
echo "corpus: ${#sqls[@]} files, $mb MB ($corpus); machine: $cores cores; best of $best_of runs"
echo "squawk: ${squawk:-not installed} $([[ -n "$squawk" ]] && $squawk --version 2>/dev/null | head -1)"
echo
echo "-- the corpus, one core (floor and migsafe in turn)"
cmd_a=(build/parse-floor -j 1 "${sqls[@]}")
cmd_b=(build/migsafe check --format json -j 1 "${sqls[@]}")
pair_rows floor1 "parse-only floor (-j 1)" lint1 "migsafe check --format json -j 1" "${#sqls[@]}" "$mb"
echo "-- the corpus, all cores (floor and migsafe in turn)"
cmd_a=(build/parse-floor -j "$cores" "${sqls[@]}")
cmd_b=(build/migsafe check --format json "${sqls[@]}")
pair_rows floorn "parse-only floor (-j $cores)" lintn "migsafe check --format json" "${#sqls[@]}" "$mb"
[[ -n "$squawk" ]] && row squawk "squawk --reporter json" "${#sqls[@]}" "$mb" "$squawk" --reporter json "${sqls[@]}"
if [[ -f "$big" ]]; then
  bmb=$(size_mb "$big")
  echo "-- the large file alone ($bmb MB)"
  cmd_a=(build/parse-floor -j "$cores" "$big")
  cmd_b=(build/migsafe check --format json "$big")
  pair_rows bigfloor "parse-only floor (-j $cores)" biglint "migsafe check --format json" 1 "$bmb"
  [[ -n "$squawk" ]] && row bigsquawk "squawk --reporter json" 1 "$bmb" "$squawk" --reporter json "$big"
fi

# One small file end to end: the median of 21 runs.
small="${sqls[1]}"
times=()
cpus=()
for ((i = 0; i < 21; i++)); do
  read -r s _ _ c <<<"$(build/measure build/migsafe check "$small")"
  times+=("$s")
  cpus+=("$c")
done
median_ms() { printf '%s\n' "$@" | sort -n | sed -n 11p | awk '{ printf "%.1f", $1 * 1000 }'; }
small_ms=$(median_ms "${times[@]}")
small_cpu_ms=$(median_ms "${cpus[@]}")
echo "-- one small file end to end ($(basename "$small"), $(wc -c <"$small") bytes): median ${small_ms} ms wall, ${small_cpu_ms} ms CPU (user+sys) of 21 runs"

echo
echo "-- ratios and targets"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# target OK_EXPRESSION TEXT: PASS or MISS (OK_EXPRESSION is awk, e.g. "1.21 <= 1.3").
target() {
  if awk "BEGIN { exit !($1) }"; then echo "  PASS  $2"; else echo "  MISS  $2"; fi
}
r1=$(ratio "$(val lint1 1)" "$(val floor1 1)")
rn=$(ratio "$(val lintn 1)" "$(val floorn 1)")
target "$r1 <= 1.3" "full lint within 1.3x of the parse-only floor, one core: ${r1}x"
target "$rn <= 1.3" "full lint within 1.3x of the parse-only floor, $cores cores: ${rn}x"
if [[ -n "$squawk" ]]; then
  tp=$(ratio "$(val squawk 1)" "$(val lintn 1)")
  rss=$(ratio "$(val lintn 2)" "$(val squawk 2)")
  target "$tp >= 3" "at least 3x squawk's throughput (files/s, same files, JSON): ${tp}x"
  target "$rss <= 1" "peak memory no higher than squawk's, corpus: $(mib "$(val lintn 2)") MB vs $(mib "$(val squawk 2)") MB (${rss}x)"
  if [[ -f "$big" ]]; then
    brss=$(ratio "$(val biglint 2)" "$(val bigsquawk 2)")
    target "$brss <= 1" "peak memory no higher than squawk's, large file: $(mib "$(val biglint 2)") MB vs $(mib "$(val bigsquawk 2)") MB (${brss}x)"
  fi
else
  echo "  SKIP  the squawk targets (squawk is not installed)"
fi
target "$small_ms < 10" "one small file end to end under 10 ms: median ${small_ms} ms (CPU ${small_cpu_ms} ms)"
