/**
 * Memory of the default install over many runs (issue 6: "memory must not grow after 100,000
 * runs"). Starts `bash scripts/start.sh` as `pnpm bench api` does, with the inspector armed
 * (NODE_OPTIONS=--inspect-port, opened by SIGUSR1 in the server only), warms up, takes heap
 * snapshot A and measures (A), drives `runs` more runs over HTTP, drains, settles, measures again
 * (B) and takes snapshot B. Each measurement is taken as found and after a full GC. The snapshots
 * are compared by constructor; objects allocated after A and still alive in B are what a leak is
 * made of.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type pg from 'pg';
import { freePort } from '../support/server-process.ts';
import { waitForDrain } from './api-point.ts';
import { type BenchInstall, withBenchInstall } from './bench-install.ts';
import { type ConstructorGrowth, HeapSnapshot } from './heap-snapshot.ts';
import { InspectorSession } from './inspector-session.ts';
import { processMemory, sampleTree } from './process-tree.ts';

export type MemoryPoint = {
  /** Runs of the flow finished by then. */
  runsFinished: number;
  /** The server process: resident, proportional (shared pages split), anonymous. */
  serverRssMb: number;
  serverPssMb: number;
  serverAnonymousMb: number;
  /** The whole tree: server, sandbox processes, embedded PostgreSQL; and PostgreSQL alone. */
  treePssMb: number;
  postgresPssMb: number;
  processes: number;
  /** process.memoryUsage() of the server. */
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
};

/** One measurement: as found (no forced GC), then after a full GC. */
export type Stage = {
  settled: MemoryPoint;
  collected: MemoryPoint;
  /** The heap snapshot's total self size (the live V8 heap) and node count. */
  snapshotHeapMb?: number;
  snapshotNodes?: number;
};

export type MemoryResult = {
  /** os.loadavg() before the app started and after the last snapshot. */
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  /** MALLOC_ARENA_MAX and NODE_OPTIONS as the server got them (start.sh may set them). */
  serverEnv: { MALLOC_ARENA_MAX?: string; NODE_OPTIONS?: string };
  connections: number;
  warmupRuns: number;
  settleSeconds: number;
  /** Runs accepted (2xx) between A and B, and how long sending them took. */
  runs: number;
  loadSeconds: number;
  rejectedByStatus: Record<string, number>;
  /** Runs of the flow by final status at B. */
  runsByStatus: Record<string, number>;
  idle: Stage;
  /** Server RSS just before and after heap snapshot A: what writing a snapshot leaves behind. */
  snapshotCost: { rssBeforeMb: number; rssAfterMb: number };
  a: Stage;
  /** Sampled during the load (no GC, runs in flight), every `chunk` runs. */
  during: MemoryPoint[];
  /** After B's load, left alone for `idleSeconds` after the drain (no forced GC). */
  idleAfterLoad: { seconds: number; point: MemoryPoint } | undefined;
  b: Stage;
  /** Every constructor, unsorted: the report picks the top growers. */
  growth: ConstructorGrowth[];
  /** Retainer chains of a few objects allocated after A and alive at B, for the top growers. */
  retainers: { name: string; chains: string[] }[];
};

export type MemoryOptions = {
  warmupRuns: number;
  runs: number;
  connections: number;
  /** Runs between samples during the load. */
  chunk: number;
  settleMs: number;
  /** After the load: how long to leave the server alone before forcing a GC (0: not at all). */
  idleMs: number;
  drainTimeoutMs: number;
  keepSnapshots: boolean;
};

const MB = 1024 * 1024;

export async function benchMemory(options: MemoryOptions): Promise<MemoryResult> {
  const loadAverageAtStart = os.loadavg();
  const inspectorPort = await freePort();
  const nodeOptions = [process.env.NODE_OPTIONS, `--inspect-port=127.0.0.1:${inspectorPort}`]
    .filter(Boolean)
    .join(' ');
  const snapshotDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-bench-memory-snapshots-'));
  try {
    return await withBenchInstall(
      { name: 'memory', env: { NODE_OPTIONS: nodeOptions } },
      async (install) => {
        const session = await InspectorSession.open(install.command.pid, inspectorPort);
        try {
          return await measure(install, session, snapshotDir, options, loadAverageAtStart);
        } finally {
          // Node waits at exit for an attached debugger to go: detach before stopping it.
          session.close();
        }
      },
    );
  } finally {
    if (options.keepSnapshots) console.error(`heap snapshots kept in ${snapshotDir}`);
    else await rm(snapshotDir, { recursive: true, force: true });
  }
}

/**
 * Snapshot A is written before A is measured: a snapshot leaves the server's malloc heap larger
 * (see snapshotCost), and B is measured after snapshot A too, so both carry that and B − A is
 * the runs' own doing.
 */
async function measure(
  install: BenchInstall,
  session: InspectorSession,
  snapshotDir: string,
  options: MemoryOptions,
  loadAverageAtStart: number[],
): Promise<MemoryResult> {
  const sample = (gc: boolean) => memoryPoint(install, session, gc);
  const stage = async (): Promise<Stage> => ({
    settled: await sample(false),
    collected: await sample(true),
  });
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const drain = async () => {
    if (!(await waitForDrain(install.db, install.flowId, options.drainTimeoutMs))) {
      throw new Error('the queue did not drain: memory would be measured mid-load');
    }
  };

  await wait(options.settleMs);
  const idle = await stage();
  console.error(`idle: ${JSON.stringify(idle)}`);

  await send(install, options.warmupRuns, options.connections);
  await drain();
  await wait(options.settleMs);
  await session.collectGarbage();
  const rssBeforeMb = (await processMemory(install.command.pid)).rssMb;
  const snapshotA = path.join(snapshotDir, 'a.heapsnapshot');
  await session.writeHeapSnapshot(snapshotA);
  const rssAfterMb = (await processMemory(install.command.pid)).rssMb;
  const summaryA = (await HeapSnapshot.read(snapshotA)).summary();
  await wait(options.settleMs);
  const a: Stage = {
    ...(await stage()),
    snapshotHeapMb: summaryA.totalSize / MB,
    snapshotNodes: summaryA.nodeCount,
  };
  console.error(`A: ${JSON.stringify(a)}`);

  const during: MemoryPoint[] = [];
  const rejectedByStatus: Record<string, number> = {};
  let accepted = 0;
  const loadStarted = performance.now();
  while (accepted < options.runs) {
    const chunk = await send(
      install,
      Math.min(options.chunk, options.runs - accepted),
      options.connections,
    );
    accepted += chunk.accepted;
    for (const [status, count] of Object.entries(chunk.rejectedByStatus)) {
      rejectedByStatus[status] = (rejectedByStatus[status] ?? 0) + count;
    }
    const point = await sample(false);
    during.push(point);
    console.error(`${accepted} runs: ${JSON.stringify(point)}`);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1_000;
  await drain();
  const drained = performance.now();
  await wait(options.settleMs);
  const settled = await sample(false);
  let idleAfterLoad: MemoryResult['idleAfterLoad'];
  if (options.idleMs > options.settleMs) {
    await wait(options.idleMs - (performance.now() - drained));
    idleAfterLoad = { seconds: options.idleMs / 1_000, point: await sample(false) };
  }
  const b: Stage = { settled, collected: await sample(true) };
  const snapshotB = path.join(snapshotDir, 'b.heapsnapshot');
  await session.writeHeapSnapshot(snapshotB);
  const heapB = await HeapSnapshot.read(snapshotB);
  const summaryB = heapB.summary();
  b.snapshotHeapMb = summaryB.totalSize / MB;
  b.snapshotNodes = summaryB.nodeCount;
  console.error(`B: ${JSON.stringify(b)}`);

  const growth = heapB.growthSince(summaryA);
  const retainers = topGrowth(growth, 3).map((entry) => ({
    name: entry.name,
    chains: heapB.retainerChains(entry.name, summaryA.maxNodeId, { samples: 3, depth: 12 }),
  }));
  return {
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg(),
    serverEnv: await environmentOf(install.command.pid, ['MALLOC_ARENA_MAX', 'NODE_OPTIONS']),
    connections: options.connections,
    warmupRuns: options.warmupRuns,
    settleSeconds: options.settleMs / 1_000,
    runs: accepted,
    loadSeconds,
    rejectedByStatus,
    runsByStatus: await runsByStatus(install.db, install.flowId),
    idle,
    snapshotCost: { rssBeforeMb, rssAfterMb },
    a,
    during,
    idleAfterLoad,
    b,
    growth,
    retainers,
  };
}

/** The constructors whose objects allocated after A and alive at B weigh most. */
export function topGrowth(growth: ConstructorGrowth[], count: number): ConstructorGrowth[] {
  return [...growth]
    .filter((entry) => entry.newSize > 0)
    .sort((x, y) => y.newSize - x.newSize)
    .slice(0, count);
}

async function memoryPoint(
  install: BenchInstall,
  session: InspectorSession,
  gc: boolean,
): Promise<MemoryPoint> {
  if (gc) await session.collectGarbage();
  const usage = await session.memoryUsage();
  const server = await processMemory(install.command.pid);
  const tree = await sampleTree(install.roots);
  return {
    runsFinished: await runsFinished(install.db, install.flowId),
    serverRssMb: server.rssMb,
    serverPssMb: server.pssMb,
    serverAnonymousMb: server.anonymousMb,
    treePssMb: tree.pssMb,
    postgresPssMb: tree.postgresPssMb,
    processes: tree.processes,
    heapUsedMb: usage.heapUsed / MB,
    heapTotalMb: usage.heapTotal / MB,
    externalMb: usage.external / MB,
    arrayBuffersMb: usage.arrayBuffers / MB,
  };
}

/**
 * `flows.run` until `runs` were accepted (2xx): autocannon sends a fixed number of requests, and
 * the ones shed with 503/429 are sent again in the next round.
 */
async function send(
  install: BenchInstall,
  runs: number,
  connections: number,
): Promise<{ accepted: number; rejectedByStatus: Record<string, number> }> {
  let accepted = 0;
  const rejectedByStatus: Record<string, number> = {};
  while (accepted < runs) {
    const result = await autocannon({
      url: `${install.baseUrl}/trpc/flows.run`,
      method: 'POST',
      headers: { authorization: `Bearer ${install.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: install.flowId, input: { n: 1 } }),
      connections: Math.min(connections, runs - accepted),
      amount: runs - accepted,
    });
    if (result['2xx'] === 0) throw new Error(`no run accepted: ${JSON.stringify(result)}`);
    accepted += result['2xx'];
    for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
      if (!status.startsWith('2'))
        rejectedByStatus[status] = (rejectedByStatus[status] ?? 0) + (count ?? 0);
    }
  }
  return { accepted, rejectedByStatus };
}

async function environmentOf(pid: number, names: string[]): Promise<Record<string, string>> {
  const entries = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
  return Object.fromEntries(
    entries
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])
      .filter(([name]) => names.includes(name ?? '')),
  );
}

async function runsFinished(db: pg.Client, flowId: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    'SELECT count(*) FROM runs WHERE flow_id = $1 AND finished_at IS NOT NULL',
    [flowId],
  );
  return Number(rows[0]!.count);
}

async function runsByStatus(db: pg.Client, flowId: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; count: string }>(
    'SELECT status, count(*) FROM runs WHERE flow_id = $1 GROUP BY status ORDER BY status',
    [flowId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
