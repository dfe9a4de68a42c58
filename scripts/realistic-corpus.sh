#!/usr/bin/env bash
# Generates the realism-focused migration corpus (tests/corpus/: Rails, Django, Alembic, Prisma,
# golang-migrate, Flyway, dbmate and playbook styles, pg_dump files, odd and invalid files), lints
# it with migsafe and prints the findings per rule and per kind of file (safe recipe, unsafe
# recipe, down script, schema dump, ...), then every error-level finding on a safe recipe.
#
#   scripts/realistic-corpus.sh [DIR] [APPS]     (default: a temporary directory, 96 histories)
# Needs build/migsafe and build/gen-realistic-corpus (cmake --build build).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-}
apps=${2:-96}
if [[ -z "$dir" ]]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
[[ -x build/migsafe && -x build/gen-realistic-corpus ]] || {
  echo "build first: cmake --build build --target migsafe gen-realistic-corpus" >&2
  exit 2
}
rm -rf "$dir/corpus"
build/gen-realistic-corpus "$dir/corpus" "$apps"
printf 'corpus: %s SQL files, %s bytes\n' \
  "$(find "$dir/corpus" -name '*.sql' | wc -l)" \
  "$(find "$dir/corpus" -name '*.sql' -printf '%s\n' | awk '{s += $1} END {print s}')"
set +e
( cd "$dir/corpus" && "$OLDPWD/build/migsafe" check . --format gcc ) >"$dir/findings.txt" 2>"$dir/stderr.txt"
rc=$?
set -e
echo "migsafe check --format gcc: exit $rc"
[[ $rc -eq 2 ]] && { cat "$dir/stderr.txt" >&2; exit 2; }
# gcc lines: ./path:line:col: severity: message [rule]
kinds="safe unsafe down dump invalid odd"
printf '%-46s %-8s' rule severity
for k in $kinds; do printf ' %7s' "$k"; done
printf '\n'
awk -F'\t' -v kinds="$kinds" '
  FNR == NR { if ($1 !~ /^#/) kind[$1] = $2; next }
  {
    path = $0; sub(/:[0-9]+:[0-9]+: .*/, "", path)
    sev = $0; sub(/^[^ ]*: /, "", sev); sub(/:.*/, "", sev)
    rule = $0; sub(/.*\[/, "", rule); sub(/\]$/, "", rule)
    k = (path in kind) ? kind[path] : "other"
    n[rule "\t" sev "\t" k]++; rules[rule "\t" sev] = 1
  }
  END {
    nk = split(kinds, order, " ")
    for (r in rules) {
      split(r, rs, "\t"); printf "%-46s %-8s", rs[1], rs[2]
      for (i = 1; i <= nk; i++) printf " %7d", n[r "\t" order[i]]
      printf "\n"
    }
  }' "$dir/corpus/MANIFEST.tsv" "$dir/findings.txt" | sort
echo
echo "error-level findings on safe recipes:"
awk -F'\t' '
  FNR == NR { if ($2 == "safe") safe[$1] = 1; next }
  { path = $0; sub(/:[0-9]+:[0-9]+: .*/, "", path) }
  (path in safe) && / error: / { print "  " $0; found++ }
  END { if (!found) print "  none" }' "$dir/corpus/MANIFEST.tsv" "$dir/findings.txt"
