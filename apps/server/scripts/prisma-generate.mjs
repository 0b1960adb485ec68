// Runs `prisma generate` offline. Generate never talks to the schema engine, but the Prisma 7 CLI
// tries to download one unless PRISMA_SCHEMA_ENGINE_BINARY names an existing executable, and this
// machine (like CI) has no access to Prisma's binary host. Any executable satisfies the check.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(serverDir, 'package.json'));
const prismaCli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], {
  cwd: serverDir,
  env,
  stdio: 'inherit',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
