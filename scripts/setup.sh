#!/usr/bin/env bash
# Installs what migsafe needs from Debian's packages, only what is missing. Runs apt-get as
# root, or through sudo. With --test it also installs what the test suite needs (the
# PostgreSQL server for the lock oracle, clang-format, Node.js for SARIF schema validation and
# the editor problem matcher, pre-commit for the hook test, python3-yaml to read the CI YAML
# files, clang with its sanitizer and libFuzzer runtimes for scripts/asan.sh and
# scripts/fuzz.sh) and the npm test tools under tools/node_modules (pinned by
# tools/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(cmake make g++ pkg-config libpg-query-dev libprotobuf-c-dev libcli11-dev
            nlohmann-json3-dev libfmt-dev libtomlplusplus-dev libpq-dev libssl-dev)
test_pkgs=(googletest libgtest-dev libxml2-dev clang-format postgresql nodejs npm git pre-commit
           python3-yaml clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm ships with some Node.js builds instead of as a Debian package: accept either.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
fi
if command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  if [[ ! -d tools/node_modules/ajv || tools/package-lock.json -nt tools/node_modules/.package-lock.json ]]; then
    echo "setup: installing npm test tools (ajv, SARIF 2.1.0 schema)"
    (cd tools && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  fi
fi
