/**
 * CPU time and memory of a process tree, read from /proc (Linux only): the server with every
 * process it started, plus the embedded postmaster with its backends, which pg_ctl leaves outside
 * the server's tree. CPU counts processes that have exited too, through their parent's cutime.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export type TreeSample = {
  /** The server process itself (Node: API, worker, job queue). */
  serverCpuMs: number;
  /** The server's other descendants (sandbox processes), live and exited. */
  childrenCpuMs: number;
  /** The postmaster and its children (backends, checkpointer, WAL writer…), live and exited. */
  postgresCpuMs: number;
  /** Proportional set size of every process above, summed. */
  pssMb: number;
  /** Of it, the postmaster and its children. */
  postgresPssMb: number;
  processes: number;
};

type ProcStat = { pid: number; ppid: number; ownTicks: number; childTicks: number };

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

export type TreeRoots = {
  serverPid: number;
  postmasterPid: number;
  /** Processes to leave out with their descendants: the benchmark's own database session. */
  exclude: number[];
};

export async function sampleTree(roots: TreeRoots): Promise<TreeSample> {
  const stats = await readAllStats();
  const children = childrenByParent(stats);
  const excluded = roots.exclude.flatMap((pid) => subtree(children, pid));
  const tree = (root: number) =>
    stats.has(root) ? subtree(children, root).filter((pid) => !excluded.includes(pid)) : [];
  const postgres = tree(roots.postmasterPid);
  const server = tree(roots.serverPid).filter((pid) => !postgres.includes(pid));
  const own = (pid: number) => stats.get(pid)?.ownTicks ?? 0;
  const reaped = (pid: number) => stats.get(pid)?.childTicks ?? 0;
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + own(pid), 0);
  const pss = await Promise.all([...server, ...postgres].map(pssKb));
  const postgresPss = pss.slice(server.length);
  return {
    serverCpuMs: ticksToMs(own(roots.serverPid)),
    childrenCpuMs: ticksToMs(sum(server) - own(roots.serverPid) + reaped(roots.serverPid)),
    postgresCpuMs: ticksToMs(sum(postgres) + reaped(roots.postmasterPid)),
    pssMb: pss.reduce((total, kb) => total + kb, 0) / 1024,
    postgresPssMb: postgresPss.reduce((total, kb) => total + kb, 0) / 1024,
    processes: server.length + postgres.length,
  };
}

/** `after` minus `before`, field by field (PSS and process count are taken from `after`). */
export function cpuDelta(before: TreeSample, after: TreeSample): TreeSample {
  return {
    serverCpuMs: after.serverCpuMs - before.serverCpuMs,
    childrenCpuMs: after.childrenCpuMs - before.childrenCpuMs,
    postgresCpuMs: after.postgresCpuMs - before.postgresCpuMs,
    pssMb: after.pssMb,
    postgresPssMb: after.postgresPssMb,
    processes: after.processes,
  };
}

function childrenByParent(stats: Map<number, ProcStat>): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of stats.values()) {
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  return children;
}

/** `root` and all its live descendants. */
function subtree(children: Map<number, number[]>, root: number): number[] {
  const found: number[] = [];
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    found.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return found;
}

async function readAllStats(): Promise<Map<number, ProcStat>> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(pids.map((pid) => readStat(Number(pid))));
  return new Map(
    stats.filter((stat) => stat !== undefined).map((stat): [number, ProcStat] => [stat.pid, stat]),
  );
}

/** Fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses. */
async function readStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined; // exited meanwhile
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of proc(5): state, ppid, …, utime (14), stime, cutime, cstime (17).
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid,
    ppid: field(4),
    ownTicks: field(14) + field(15),
    childTicks: field(16) + field(17),
  };
}

async function pssKb(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
}

function ticksToMs(ticks: number): number {
  return (ticks * 1000) / ticksPerSecond;
}

export type ProcessMemory = { rssMb: number; pssMb: number; anonymousMb: number };

/** One process's resident, proportional and anonymous (heap, stacks, malloc) memory. */
export async function processMemory(pid: number): Promise<ProcessMemory> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { rssMb: kb('Rss') / 1024, pssMb: kb('Pss') / 1024, anonymousMb: kb('Anonymous') / 1024 };
}
