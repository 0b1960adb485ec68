import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, LOCK_FILE_NAME } from './data-dir-lock.ts';
import { processStartTime } from './process-identity.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'patchbay-lock-'));
  dirs.push(dir);
  return dir;
}

async function exitedPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function owner(dir: string): Promise<{ pid: number }> {
  return JSON.parse(await readFile(path.join(dir, LOCK_FILE_NAME), 'utf8'));
}

describe('acquireDataDirLock', () => {
  it('takes the data directory and gives it back on release', async () => {
    const dir = await dataDir();
    const lock = await acquireDataDirLock(dir);
    expect(await owner(dir)).toMatchObject({ pid: process.pid });
    await lock.release();
    await expect(readFile(path.join(dir, LOCK_FILE_NAME))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = await dataDir();
    const gone = await exitedPid();
    await writeFile(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: gone, startTime: 1 }));
    const lock = await acquireDataDirLock(dir);
    expect(await owner(dir)).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it.skipIf(process.platform !== 'linux')(
    'takes over a lock whose PID now belongs to another process',
    async () => {
      const dir = await dataDir();
      const started = (await processStartTime(process.ppid))!;
      await writeFile(
        path.join(dir, LOCK_FILE_NAME),
        JSON.stringify({ pid: process.ppid, startTime: started - 1 }),
      );
      const lock = await acquireDataDirLock(dir);
      expect(await owner(dir)).toMatchObject({ pid: process.pid });
      await lock.release();
    },
  );

  it('refuses while the owner is running, and names it', async () => {
    const dir = await dataDir();
    const first = await acquireDataDirLock(dir);
    const second = acquireDataDirLock(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(
      `Another Patchbay (pid ${process.pid}) is using the data directory ${dir}`,
    );
    // The refusal left the owner's lock in place.
    expect(await owner(dir)).toMatchObject({ pid: process.pid });
    await first.release();
  });

  it('does not remove a lock that another process took over', async () => {
    const dir = await dataDir();
    const lock = await acquireDataDirLock(dir);
    await writeFile(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: process.ppid }));
    await lock.release();
    expect(await owner(dir)).toEqual({ pid: process.ppid });
  });
});
