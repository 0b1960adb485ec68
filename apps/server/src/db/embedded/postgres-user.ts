/**
 * PostgreSQL refuses to run as root. When Patchbay runs as root, the embedded PostgreSQL runs as
 * the unprivileged user `postgres` (created when missing); otherwise it runs as Patchbay's own
 * user and every path Patchbay can use, it can use too.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { PatchbayError } from '@patchbay/engine/errors';

const run = promisify(execFile);

export const POSTGRES_OS_USER = 'postgres';

/** Whom the PostgreSQL processes run as; undefined: as this process's own user. */
export type RunAs = { name: string; uid: number; gid: number } | undefined;

export async function postgresRunAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUpUser(POSTGRES_OS_USER);
  if (existing) return existing;
  try {
    await run('groupadd', ['--system', POSTGRES_OS_USER]).catch((error: { code?: unknown }) => {
      if (error.code !== 9) throw error; // 9: the group exists already
    });
    await run('useradd', [
      '--system',
      '--gid',
      POSTGRES_OS_USER,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      POSTGRES_OS_USER,
    ]);
  } catch (error) {
    throw new PatchbayError(
      'POSTGRES_USER_MISSING',
      `PostgreSQL cannot run as root and there is no user "${POSTGRES_OS_USER}" to run it as: ` +
        `create one (useradd --system ${POSTGRES_OS_USER}) or set DATABASE_URL to your own PostgreSQL.`,
      { cause: error },
    );
  }
  const created = await lookUpUser(POSTGRES_OS_USER);
  if (!created) throw new Error(`useradd succeeded but user ${POSTGRES_OS_USER} is not found`);
  return created;
}

async function lookUpUser(name: string): Promise<RunAs> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      run('id', ['-g', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Whether `runAs` can search `dir` (and so every folder above it) or execute the file `dir`
 * names: asked of the kernel by running `test -x` as that user.
 */
export async function canReach(runAs: RunAs, target: string): Promise<boolean> {
  if (!runAs) return true;
  return new Promise((resolve) => {
    const child = spawn('test', ['-x', target], {
      uid: runAs.uid,
      gid: runAs.gid,
      stdio: 'ignore',
    });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** Options for child_process.spawn that run a program as `runAs`. */
export function spawnIdentity(runAs: RunAs): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}
