// Run by start.sh before the server starts: installs dependencies, builds the web app and builds
// the server (apps/server/dist) only when what they are made from changed since the last time, so
// that a restart with nothing changed goes straight to the server. Each set of inputs is
// fingerprinted (SHA-256 over paths and contents) into node_modules/.cache/patchbay/, which a
// fresh clone does not have.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stampDir = path.join(root, 'node_modules', '.cache', 'patchbay');
const skipped = new Set(['node_modules', 'dist', 'generated', '.turbo', '.data']);

/** Files under `dir` (recursively, skipping build output), or only those named `only`. */
function filesUnder(dir, only) {
  const absolute = path.join(root, dir);
  if (!existsSync(absolute)) return [];
  const found = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory() && !skipped.has(entry.name)) found.push(...filesUnder(relative, only));
    else if (entry.isFile() && (!only || entry.name === only)) found.push(relative);
  }
  return found;
}

function fingerprint(files) {
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    const absolute = path.join(root, file);
    hash.update(`${file}\0`);
    hash.update(existsSync(absolute) ? readFileSync(absolute) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Runs `command` unless the inputs' fingerprint matches the last successful run's. */
function whenChanged(name, files, isPresent, message, command) {
  const stampFile = path.join(stampDir, `${name}.sha256`);
  const current = fingerprint(files);
  const previous = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (current === previous && isPresent()) return;
  console.log(`› ${message}`);
  const result = spawnSync(command[0], command.slice(1), { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stampFile, `${current}\n`);
}

const workspaceManifests = ['apps', 'packages', 'test'].flatMap((dir) =>
  filesUnder(dir, 'package.json'),
);
whenChanged(
  'install',
  [
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'package.json',
    ...workspaceManifests,
    // The server's postinstall generates the Prisma client from these.
    'prisma/schema.prisma',
    'apps/server/prisma.config.ts',
    'apps/server/scripts/prisma-generate.mjs',
  ],
  () => existsSync(path.join(root, 'apps/server/src/generated/prisma')),
  'installing dependencies',
  ['pnpm', 'install', '--frozen-lockfile'],
);
whenChanged(
  'web-build',
  [
    'pnpm-lock.yaml',
    'apps/web/index.html',
    'apps/web/package.json',
    'apps/web/tsconfig.json',
    'apps/web/vite.config.ts',
    ...filesUnder('apps/web/src'),
    ...filesUnder('apps/web/public'),
  ],
  () => existsSync(path.join(root, 'apps/web/dist/index.html')),
  'building the web app',
  ['pnpm', '--filter', '@patchbay/web', 'build'],
);
whenChanged(
  'server-build',
  [
    'pnpm-lock.yaml',
    'tsconfig.base.json',
    'apps/server/package.json',
    'apps/server/tsconfig.json',
    'apps/server/scripts/build.mjs',
    ...filesUnder('apps/server/src'),
    // The workspace packages the server bundles.
    ...filesUnder('packages'),
    // The generated Prisma client (skipped under src/) is made from the schema. Migrations are
    // read at run time, not built in.
    'prisma/schema.prisma',
  ],
  () => existsSync(path.join(root, 'apps/server/dist/main.js')),
  'building the server',
  ['pnpm', '--filter', '@patchbay/server', 'build'],
);
