#!/usr/bin/env bash
# Regenerates the output samples in README.md (between <!-- samples:begin --> and
# <!-- samples:end -->, the CI formats between <!-- ci-samples:begin --> and <!-- ci-samples:end -->,
# and `migsafe locks` / `migsafe trace` between <!-- locks-samples:begin/end -->) by running the
# real binary; tests/readme_test.cpp fails when they drift (trace timings and the server version
# aside).
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
# `migsafe locks` and `migsafe trace` (the trace needs the postgresql server package).
locks_file=examples/unsafe/V6__order_priority.sql
{
  echo "\`$locks_file\`:"
  echo
  echo "\`\`\`sql"
  cat "$locks_file"
  echo "\`\`\`"
  echo
  echo "\`\`\`"
  echo "\$ migsafe locks $locks_file"
  "$bin" locks "$locks_file"
  echo "\`\`\`"
  echo
  echo "\`\`\`"
  echo "\$ migsafe trace $locks_file"
  "$bin" trace "$locks_file" || true
  echo "\`\`\`"
} > /tmp/migsafe-locks-samples.md
python3 - <<'PY'
text = open("README.md", encoding="utf-8").read()
for name, sample_file in (("samples", "/tmp/migsafe-samples.md"),
                          ("ci-samples", "/tmp/migsafe-ci-samples.md"),
                          ("locks-samples", "/tmp/migsafe-locks-samples.md")):
    b, e = "<!-- %s:begin -->\n" % name, "<!-- %s:end -->" % name
    i, j = text.index(b), text.index(e)
    sample = open(sample_file, encoding="utf-8").read()
    text = text[: i + len(b)] + sample + text[j:]
open("README.md", "w", encoding="utf-8").write(text)
PY
echo "README samples updated"
