// The production build of the server (`pnpm --filter @patchbay/server build`, run by start.sh
// when its inputs changed): our TypeScript (the server, the workspace packages it imports and the
// generated Prisma client) bundled into plain JavaScript in dist/, so production runs `node
// dist/main.js` with no loader. Third-party packages stay external, loaded from node_modules as
// in development (native addons, PostgreSQL binaries, Prisma's runtime and wasm).
//
// dist/ mirrors the relative paths the bundled code computes from import.meta.url:
// - dist/main.js sits as deep as src/repo-paths.ts, so the repository root is the same `../../..`;
// - the sandbox's process entry and task modules are entries of their own beside main.js, at the
//   paths @patchbay/sandbox asks for (see packages/sandbox/src/sibling-module.ts).
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sandboxSrc = path.resolve(serverDir, '../../packages/sandbox/src');
const outdir = path.join(serverDir, 'dist');
const manifest = JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8'));
const installed = new Set([
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.optionalDependencies ?? {}),
]);

/**
 * Bare imports of third-party packages stay imports; the workspace's own are bundled. An external
 * package must be a dependency of the server, or dist/main.js could not resolve it (pnpm gives
 * each package only its own dependencies).
 */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(build) {
    const missing = new Set();
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@patchbay/')) return undefined;
      const parts = args.path.split('/');
      const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (args.path.startsWith('node:') || builtinModules.includes(name)) {
        return { path: args.path, external: true };
      }
      if (!installed.has(name)) missing.add(`${name} (imported by ${args.importer})`);
      return { path: args.path, external: true };
    });
    build.onEnd(() => {
      if (missing.size === 0) return undefined;
      const names = [...missing].join(', ');
      return {
        errors: [
          { text: `Not dependencies of @patchbay/server, so dist/ cannot load them: ${names}` },
        ],
      };
    });
  },
};

const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    main: path.join(serverDir, 'src/main.ts'),
    'sandbox-entry': path.join(sandboxSrc, 'sandbox-entry.ts'),
    'tasks/jsonata-task': path.join(sandboxSrc, 'tasks/jsonata-task.ts'),
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22.12',
  // Error classes name themselves after their class (new.target.name); bundling must not rename.
  keepNames: true,
  // For stack traces: `NODE_OPTIONS=--enable-source-maps` maps them back to the sources.
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [thirdPartyExternal],
});
console.log(`Built the server into dist/ in ${Math.round(performance.now() - started)} ms`);
