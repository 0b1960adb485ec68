import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postmasterPidFile, readPostmasterState } from './postmaster-pid.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function clusterWithPid(pid: number | undefined): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'patchbay-cluster-'));
  dirs.push(dir);
  if (pid !== undefined) {
    await writeFile(postmasterPidFile(dir), `${pid}\n${dir}\n1796320000\n54329\n\n127.0.0.1\n`);
  }
  return dir;
}

describe('readPostmasterState', () => {
  it('finds no postmaster without a postmaster.pid', async () => {
    expect(await readPostmasterState(await clusterWithPid(undefined))).toEqual({ state: 'none' });
  });

  it('calls the file stale when its process is gone', async () => {
    const child = spawn('true');
    await new Promise((resolve) => child.once('exit', resolve));
    const dir = await clusterWithPid(child.pid);
    expect(await readPostmasterState(dir)).toEqual({ state: 'stale', pid: child.pid });
  });

  it.skipIf(process.platform !== 'linux')(
    'calls the file stale when its PID belongs to a program other than this cluster’s postmaster',
    async () => {
      const dir = await clusterWithPid(process.pid);
      expect(await readPostmasterState(dir)).toEqual({ state: 'stale', pid: process.pid });
    },
  );
});
