#!/usr/bin/env bash
# Installs everything (Node, pnpm, dependencies, Debian's Chromium) and runs every check:
# lint, typecheck, unit and integration tests, then the browser tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$PATCHBAY_ROOT"

if [ -z "${PATCHBAY_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "› installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Browser tests need Chromium: install it (apt-get install chromium) or set PATCHBAY_CHROMIUM." >&2
    exit 1
  fi
fi

pnpm install --frozen-lockfile
pnpm test:all
