#!/usr/bin/env bash
# Fails when a C++ source is not formatted per .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' '*.h' 2>/dev/null || find src rules tests bench fuzz -name '*.[ch]pp' 2>/dev/null)
[[ -n "$files" ]] || { echo "no sources"; exit 0; }
bad=()
for f in $files; do
  [[ -f "$f" ]] || continue
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  echo "not clang-formatted (run: clang-format -i ${bad[*]}):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "clang-format: $(echo "$files" | wc -w) files clean"
