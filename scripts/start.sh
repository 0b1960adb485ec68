#!/usr/bin/env bash
# Installs dependencies and builds the web app and the server when they changed, then starts
# Patchbay on one port. With DATABASE_URL unset, an embedded PostgreSQL keeps its data under .data/.
# The server replaces this shell (exec): Ctrl+C and kill reach Node itself, which stops the app
# first and the database last. It runs the compiled server (apps/server/dist) on plain Node: no
# pnpm or TypeScript loader stays in memory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$PATCHBAY_ROOT"
node scripts/prepare-start.mjs
export NODE_ENV=production
# Two malloc arenas, not glibc's 8 per core: 10-45 MB less resident (`pnpm bench memory`).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node apps/server/dist/main.js "$@"
