/** Absolute paths the server needs, derived from this file's location (not from the cwd). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverSrcDir = path.dirname(fileURLToPath(import.meta.url));

export const repoRoot = path.resolve(serverSrcDir, '../../..');
export const migrationsDir = path.join(repoRoot, 'prisma', 'migrations');
export const webDistDir = path.join(repoRoot, 'apps', 'web', 'dist');
export const defaultDataDir = path.join(repoRoot, '.data');
