/**
 * Idle memory of the default install: the README's start command (`bash scripts/start.sh`) on a
 * fresh data directory with the first owner given, left idle, then the proportional set size
 * (PSS, shared pages split between the processes that map them) of every process it runs: the
 * server, its sandbox processes, and the embedded PostgreSQL's postmaster with its children.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort, TEST_ADMIN } from '../support/server-process.ts';
import { runStartCommand } from '../support/start-command.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** PSS splits shared pages between their processes; USS counts only the process's own. */
export type ProcessMemory = {
  pid: number;
  name: string;
  pssKb: number;
  ussKb: number;
  rssKb: number;
};

export type IdleMemoryResult = {
  idleSeconds: number;
  /** From the command's start to the URL line (the data directory is fresh: initdb included). */
  startSeconds: number;
  processes: ProcessMemory[];
  totalPssKb: number;
  totalUssKb: number;
  totalRssKb: number;
};

export async function benchIdleMemory(
  options: {
    idleSeconds?: number;
    env?: Record<string, string>;
    /** `['pnpm', 'start']` to count pnpm's own process too. */
    command?: readonly [string, ...string[]];
  } = {},
): Promise<IdleMemoryResult> {
  const idleSeconds = options.idleSeconds ?? 10;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'patchbay-memory-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach it.
  await chmod(dataDir, 0o755);
  const began = performance.now();
  const command = runStartCommand(
    {
      PATCHBAY_DATA_DIR: dataDir,
      PATCHBAY_DB_PORT: String(await freePort()),
      PORT: String(await freePort()),
      PATCHBAY_ADMIN_EMAIL: TEST_ADMIN.email,
      PATCHBAY_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...options.env,
    },
    options.command,
  );
  try {
    await command.printed('Patchbay is running at');
    const startSeconds = (performance.now() - began) / 1000;
    await sleep(idleSeconds * 1000);
    const postmaster = Number.parseInt(
      (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]!,
      10,
    );
    const processes = [...tree(command.pid), ...tree(postmaster)].map(memoryOf);
    return {
      idleSeconds,
      startSeconds: Math.round(startSeconds * 10) / 10,
      processes,
      totalPssKb: processes.reduce((sum, p) => sum + p.pssKb, 0),
      totalUssKb: processes.reduce((sum, p) => sum + p.ussKb, 0),
      totalRssKb: processes.reduce((sum, p) => sum + p.rssKb, 0),
    };
  } finally {
    const code = await command.interrupt();
    if (code !== 0) console.error(`start.sh exited with ${code}:\n${command.output()}`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `root` and its descendants, from /proc. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrEmpty(`/proc/${entry}/stat`);
    // The command name (field 2) may hold spaces; the parent PID is the 2nd field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    found.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return found;
}

function memoryOf(pid: number): ProcessMemory {
  const rollup = readOrEmpty(`/proc/${pid}/smaps_rollup`);
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1]);
  const cmdline = readOrEmpty(`/proc/${pid}/cmdline`).split('\0').filter(Boolean);
  return {
    pid,
    name: describe(cmdline),
    pssKb: field('Pss'),
    ussKb: field('Private_Clean') + field('Private_Dirty'),
    rssKb: field('Rss'),
  };
}

/** `node apps/server/dist/main.js`, `postgres: checkpointer`, …: short enough for a table. */
function describe(cmdline: string[]): string {
  const [program = '?', ...args] = cmdline;
  if (cmdline.length === 1) return program.trim(); // PostgreSQL retitles its children
  if (path.basename(program) === 'postgres') return 'postgres (postmaster)';
  const shown = args.map((arg) => (path.isAbsolute(arg) ? path.relative(repoRoot, arg) : arg));
  return [path.basename(program), ...shown].join(' ');
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process exited meanwhile
  }
}
