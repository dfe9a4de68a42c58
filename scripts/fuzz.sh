#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz/): `lint` (the whole pipeline on arbitrary bytes),
# `config` (.migsafe.toml) and `suppress` (inline suppression comments), each for a bounded
# time, with ASan, LSan and UBSan (built by scripts/asan.sh in build-asan/).
#
#   scripts/fuzz.sh                  every target for $MIGSAFE_FUZZ_SECONDS (default 45) seconds
#   scripts/fuzz.sh -t 3600 lint     one target for an hour
#
# Seeds come from the repository (fixtures/ and examples/ for lint and suppress; the TOML
# samples of README.md, docs/ and tests/config_test.cpp for config) plus every recorded crash
# in tests/fuzz/regressions/<target>/. New interesting inputs accumulate in
# build-asan/fuzz/corpus/<target>/, so a later run continues where the last one stopped.
# A crash, leak, hang (-timeout) or out-of-memory input is saved in build-asan/fuzz/crashes/
# and fails the script; commit it under tests/fuzz/regressions/<target>/ with the fix, and
# the normal test suite replays it (tests/fuzz_regressions_test.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${MIGSAFE_FUZZ_SECONDS:-45}
if [[ "${1:-}" == "-t" ]]; then
  seconds=$2
  shift 2
fi
targets=("$@")
((${#targets[@]})) || targets=(lint config suppress)

scripts/asan.sh build
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

work=build-asan/fuzz

# Seed files are named by content hash, so regenerating them is idempotent.
seed() {  # seed DIR < bytes
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  mv "$tmp" "$1/$(sha1sum "$tmp" | cut -c1-40)"
}

make_seeds() {
  local t=$1 dir=$work/seeds/$1 f
  rm -rf "$dir"
  mkdir -p "$dir"
  case "$t" in
    lint)
      # The first byte picks the PostgreSQL version and transaction mode (targets.hpp):
      # 0x05 is PostgreSQL 15 outside a transaction, 0x0d the same inside one. Seeds leave
      # out SARIF (0xf0 and up), whose fixed rule metadata would take most of the time.
      local i=0
      while IFS= read -r -d '' f; do
        i=$((i + 1))
        { printf "$( ((i % 2)) && echo '\x05' || echo '\x0d')"; cat "$f"; } | seed "$dir"
      done < <(find fixtures examples -name '*.sql' -print0)
      ;;
    suppress)
      while IFS= read -r -d '' f; do seed "$dir" <"$f"; done < <(find fixtures examples -name '*.sql' -print0)
      ;;
    config)
      # ```toml blocks of the docs, raw-string configs of the config tests.
      local md
      for md in README.md $(find docs -name '*.md'); do
        awk -v out="$dir/$(tr / _ <<<"$md")" '/^```toml/{on=1; n++; next} /^```/{on=0; next}
                                               on{print > (out "." n)}' "$md"
      done
      awk -v out="$dir/config_test" '/R"\(/{on=1; n++; sub(/.*R"\(/, "")}
        on{ if (index($0, ")\"")) { sub(/\)".*/, ""); on=0 } print > (out "." n) }' tests/config_test.cpp
      # One-line configs of the error table: {"key = \"value\"\n", line, ...}.
      local line n=0
      while IFS= read -r line; do
        n=$((n + 1))
        printf '%b' "$line" >"$dir/config_case.$n"
      done < <(sed -n 's/^ *{"\(\([^"\\]\|\\.\)*\\n\)", [0-9].*/\1/p' tests/config_test.cpp | sed 's/\\"/"/g')
      ;;
  esac
}

failed=()
summary=()
for t in "${targets[@]}"; do
  make_seeds "$t"
  corpus=$work/corpus/$t
  crashes=$work/crashes/$t
  mkdir -p "$corpus" "$crashes"
  log=$work/$t.log
  echo "== fuzz $t for ${seconds}s (seeds: $(ls "$work/seeds/$t" | wc -l), corpus: $(ls "$corpus" | wc -l))"
  set +e
  # -max_len: migrations are mostly small; longer inputs only slow the search down.
  build-asan/fuzz-"$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=3072 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "$work/seeds/$t" tests/fuzz/regressions/"$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^stat::.*//; s/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
  line="$t: ${execs:-?} executions in ${secs:-?} s, corpus $(ls "$corpus" | wc -l) files ($(du -sk "$corpus" | cut -f1) KiB)"
  if ((rc != 0)); then
    failed+=("$t")
    line+=", FAILED (exit $rc)"
    echo "---- $log (last 60 lines)"
    tail -60 "$log"
    echo "---- saved inputs: $(ls "$crashes")"
  fi
  summary+=("$line")
  echo "$line"
done

echo "== fuzz summary"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: ${failed[*]} failed. Reproduce with build-asan/fuzz-<target> <input>; after the fix," >&2
  echo "      copy the input to tests/fuzz/regressions/<target>/ (the test suite replays it)." >&2
  exit 1
fi
