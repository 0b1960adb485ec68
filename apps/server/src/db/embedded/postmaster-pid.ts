/**
 * Reads a cluster's postmaster.pid, which PostgreSQL keeps while it runs: is a postmaster still
 * running on this cluster (left behind when Patchbay was killed), or is the file stale?
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, processArguments } from './process-identity.ts';

export type PostmasterState =
  | { state: 'none' }
  /** A postmaster of this cluster is running. */
  | { state: 'running'; pid: number }
  /** The file names a PID that is gone, or that now belongs to another program. */
  | { state: 'stale'; pid: number };

export function postmasterPidFile(clusterDir: string): string {
  return path.join(clusterDir, 'postmaster.pid');
}

export async function readPostmasterState(clusterDir: string): Promise<PostmasterState> {
  const text = await readFile(postmasterPidFile(clusterDir), 'utf8').catch(() => undefined);
  if (text === undefined) return { state: 'none' };
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'none' };
  if (!isAlive(pid)) return { state: 'stale', pid };
  const args = await processArguments(pid);
  // Without /proc, a live PID is taken at its word (PostgreSQL itself does the same).
  if (args === undefined) return { state: 'running', pid };
  const isPostmaster =
    path.basename(args[0] ?? '') === 'postgres' &&
    args.some((arg, i) => args[i - 1] === '-D' && path.resolve(arg) === path.resolve(clusterDir));
  return isPostmaster ? { state: 'running', pid } : { state: 'stale', pid };
}
