/**
 * Is a process (by PID) still the one that wrote a lock or pid file? A PID alone is not enough:
 * after a crash and a reboot, or in a new container, the same number belongs to someone else.
 * On Linux the kernel's start time of the process tells them apart.
 */
import { readFile } from 'node:fs/promises';

export type ProcessIdentity = {
  pid: number;
  /** Start time in clock ticks since boot (Linux); undefined where /proc is missing. */
  startTime: number | undefined;
};

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function processStartTime(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // Field 2 (the command name) may hold spaces and parentheses; fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = Number(fields[19]); // field 22 of the whole line
  return Number.isFinite(startTime) ? startTime : undefined;
}

export async function currentProcessIdentity(): Promise<ProcessIdentity> {
  return { pid: process.pid, startTime: await processStartTime(process.pid) };
}

/** True when `identity` names a process that is running now (and, on Linux, the same one). */
export async function isRunning(identity: ProcessIdentity): Promise<boolean> {
  if (!isAlive(identity.pid)) return false;
  if (identity.startTime === undefined) return true;
  const startTime = await processStartTime(identity.pid);
  return startTime === undefined || startTime === identity.startTime;
}

/** The process's arguments (Linux), or undefined where they cannot be read. */
export async function processArguments(pid: number): Promise<string[] | undefined> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (raw === undefined) return undefined;
  return raw.split('\0').filter((arg) => arg !== '');
}

/**
 * Resolves once `pid` is gone (and reaped), or false after `timeoutMs`. A process that is not
 * our child gives no exit event, so this polls.
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
