#!/usr/bin/env bash
# Regenerates the output samples in README.md (between <!-- samples:begin --> and
# <!-- samples:end -->, and the CI formats between <!-- ci-samples:begin --> and
# <!-- ci-samples:end -->) by running the real binary; tests/readme_test.cpp fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MIGSAFE_BIN:-build/migsafe}
file=examples/unsafe/V2__index_orders_by_date.sql
{
  echo "All four formats for \`$file\`:"
  echo
  echo "\`\`\`sql"
  cat "$file"
  echo "\`\`\`"
  for fmt in text gcc json; do
    echo
    echo "**$fmt**"
    echo
    echo "\`\`\`"
    args="check --format $fmt $file"
    [[ $fmt == text ]] && args="check $file"
    echo "\$ migsafe $args"
    "$bin" $args --color never || true
    echo "\`\`\`"
  done
  echo
  echo "**sarif** (the first result; the run also carries every rule's metadata and help)"
  echo
  echo "\`\`\`"
  echo "\$ migsafe check --format sarif $file  # .runs[0].results[0]"
  { "$bin" check --format sarif "$file" || true; } | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () =>
      console.log(JSON.stringify(JSON.parse(s).runs[0].results[0], null, 2)));'
  echo "\`\`\`"
} > /tmp/migsafe-samples.md
{
  echo "The three CI formats for the same file:"
  for fmt in github gitlab junit; do
    echo
    echo "**$fmt**"
    echo
    echo "\`\`\`"
    echo "\$ migsafe check --format $fmt $file"
    "$bin" check --format $fmt "$file" || true
    echo "\`\`\`"
  done
} > /tmp/migsafe-ci-samples.md
python3 - <<'PY'
text = open("README.md", encoding="utf-8").read()
for name, sample_file in (("samples", "/tmp/migsafe-samples.md"),
                          ("ci-samples", "/tmp/migsafe-ci-samples.md")):
    b, e = "<!-- %s:begin -->\n" % name, "<!-- %s:end -->" % name
    i, j = text.index(b), text.index(e)
    sample = open(sample_file, encoding="utf-8").read()
    text = text[: i + len(b)] + sample + text[j:]
open("README.md", "w", encoding="utf-8").write(text)
PY
echo "README samples updated"
