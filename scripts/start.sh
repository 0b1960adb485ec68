#!/usr/bin/env bash
# Installs dependencies, builds the web app and starts Patchbay on one port.
# With DATABASE_URL unset, an embedded PostgreSQL keeps its data under .data/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$PATCHBAY_ROOT"
pnpm install --frozen-lockfile
pnpm start
