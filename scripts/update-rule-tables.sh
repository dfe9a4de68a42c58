#!/usr/bin/env bash
# Rewrites the generated rule tables in README.md and docs/rules/README.md from the registry
# (between the <!-- rules:begin --> and <!-- rules:end --> markers). The parity test fails
# until this has been run after adding or changing a rule.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MIGSAFE_BIN:-build/migsafe}
replace() {
  local file=$1 prefix=$2 table
  table=$("$bin" rules --format markdown | sed "s#](docs/rules/#](${prefix}#g")
  python3 - "$file" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
b, e = "<!-- rules:begin -->\n", "<!-- rules:end -->"
i, j = text.index(b), text.index(e)
open(path, "w", encoding="utf-8").write(text[: i + len(b)] + table + "\n" + text[j:])
PY
}
replace README.md docs/rules/
replace docs/rules/README.md ""
echo "rule tables updated"
