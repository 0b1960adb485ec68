/**
 * One Patchbay per data directory. `patchbay.pid` in PATCHBAY_DATA_DIR names the process that
 * owns the directory (PID and start time). A live owner makes a second start refuse; the file
 * of a process that died (kill -9, power loss) is stale and taken over, as PostgreSQL does with
 * its own postmaster.pid.
 */
import { readFileSync, rmSync } from 'node:fs';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine/errors';
import { currentProcessIdentity, isRunning, type ProcessIdentity } from './process-identity.ts';

export const LOCK_FILE_NAME = 'patchbay.pid';

export class DataDirInUseError extends PatchbayError {
  constructor(dataDir: string, owner: ProcessIdentity) {
    super(
      'DATA_DIR_IN_USE',
      `Another Patchbay (pid ${owner.pid}) is using the data directory ${dataDir}: stop it ` +
        'first, or set PATCHBAY_DATA_DIR to another folder.',
      { details: { dataDir, pid: owner.pid } },
    );
  }
}

export type DataDirLock = {
  readonly path: string;
  /** Removes the lock file if it is still this process's. */
  release(): Promise<void>;
  /** The same, for `process.on('exit')`, where nothing asynchronous runs. */
  releaseSync(): void;
};

export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const lockPath = path.join(dataDir, LOCK_FILE_NAME);
  const self = await currentProcessIdentity();
  const content = `${JSON.stringify(self)}\n`;
  // Written whole under a private name first, then linked into place: link() fails if the lock
  // exists, and nobody ever reads a half-written lock.
  const draft = `${lockPath}.${process.pid}`;
  await writeFile(draft, content, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(draft, lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = await readOwner(lockPath);
        if (owner && (await isRunning(owner))) throw new DataDirInUseError(dataDir, owner);
        await unlink(lockPath).catch(ignoreMissing);
        continue;
      }
      // Two starts that both found the same stale lock both removed it; only the one whose lock
      // is in place now goes on.
      const owner = await readOwner(lockPath);
      if (owner?.pid !== self.pid) {
        if (owner && (await isRunning(owner))) throw new DataDirInUseError(dataDir, owner);
        continue;
      }
      return lockHandle(lockPath, self.pid);
    }
    throw new PatchbayError(
      'DATA_DIR_LOCK_FAILED',
      `Could not take ${lockPath}: other processes keep replacing it. Stop them, then start again.`,
    );
  } finally {
    await unlink(draft).catch(ignoreMissing);
  }
}

async function readOwner(lockPath: string): Promise<ProcessIdentity | undefined> {
  const text = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<ProcessIdentity>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      startTime: typeof parsed.startTime === 'number' ? parsed.startTime : undefined,
    };
  } catch {
    return undefined;
  }
}

function lockHandle(lockPath: string, pid: number): DataDirLock {
  let released = false;
  const isOurs = (text: string | undefined) => {
    if (text === undefined) return false;
    try {
      return (JSON.parse(text) as { pid?: unknown }).pid === pid;
    } catch {
      return false;
    }
  };
  return {
    path: lockPath,
    async release() {
      if (released) return;
      released = true;
      if (isOurs(await readFile(lockPath, 'utf8').catch(() => undefined))) {
        await unlink(lockPath).catch(ignoreMissing);
      }
    },
    releaseSync() {
      if (released) return;
      released = true;
      let text: string | undefined;
      try {
        text = readFileSync(lockPath, 'utf8');
      } catch {
        return;
      }
      if (isOurs(text)) rmSync(lockPath, { force: true });
    },
  };
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
