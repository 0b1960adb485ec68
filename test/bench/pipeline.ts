/**
 * End-to-end pipeline benchmark on real processes: an API server (`--role=server`) enqueues runs of
 * a 3-node flow (manual trigger -> transform -> transform), and 1 or 2 worker processes execute
 * them through the Postgres job queue, persisting every step.
 *
 * - throughput: runs are enqueued up front, then workers start; the rate is taken between 10% and
 *   90% completion, so process start-up does not count;
 * - latency: runs are enqueued at a steady pace with workers running; enqueue -> completion is
 *   finished_at - created_at of each run (both stamped by the database clock);
 * - writes per run: row inserts/updates/deletes and commits in pg_stat_database over the
 *   throughput phase, divided by runs (this includes the job queue's own rows).
 */
import pg from 'pg';
import { type Api, chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { startServer, startWorker, type WorkerProcess } from '../support/server-process.ts';
import { createTestDatabase } from '../support/test-database.ts';

export type PipelineResult = {
  workers: number;
  runs: number;
  runsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyRuns: number;
  latencyRatePerSecond: number;
  rowWritesPerRun: number;
  commitsPerRun: number;
  writesByTable: Record<string, number>;
};

const WORKER_ENV = {
  LOG_LEVEL: 'warn',
  PATCHBAY_WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY ?? '50',
};

export async function benchPipeline(options: {
  workers: number;
  runs: number;
  latencyRuns: number;
  latencyRatePerSecond: number;
}): Promise<PipelineResult> {
  const database = await createTestDatabase('patchbay_bench');
  const server = await startServer(
    {
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      // The queue is filled up front with no worker running: not an overload to shed.
      PATCHBAY_MAX_QUEUED_RUNS: '10000000',
      PATCHBAY_MAX_QUEUE_WAIT_MS: '3600000',
    },
    { role: 'server' },
  );
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const workers: WorkerProcess[] = [];
  try {
    const api = await createApi(server);
    const flowId = await importFlow(
      api,
      chainFlow('Bench: trigger -> transform -> transform', [
        { id: 'double', type: 'transform.jsonata', config: { expression: '{ "n": $.n * 2 }' } },
        { id: 'label', type: 'transform.jsonata', config: { expression: '"run " & $string($.n)' } },
      ]),
    );

    // Throughput: fill the queue, then let the workers drain it.
    await enqueue(api, flowId, options.runs, 'tp');
    const before = await statSnapshot(db);
    for (let i = 0; i < options.workers; i++)
      workers.push(await startWorker(database.url, WORKER_ENV));
    const runsPerSecond = await drainRate(db, options.runs).catch((error: unknown) => {
      for (const worker of workers)
        console.error(`--- worker ${worker.pid}\n${worker.output().slice(-5_000)}`);
      throw error;
    });
    // Busy backends flush their statistics once idle for 10 s.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const after = await statSnapshot(db);

    // Latency: a steady pace well under capacity, workers already running.
    const paced = await enqueuePaced(
      api,
      flowId,
      options.latencyRuns,
      options.latencyRatePerSecond,
    );
    await waitAllFinal(db, options.runs + options.latencyRuns);
    const { rows } = await db.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM (finished_at - created_at)) * 1000 AS ms
         FROM runs WHERE id = ANY($1::uuid[]) ORDER BY 1`,
      [paced],
    );
    const latencies = rows.map((row) => Number(row.ms));
    const failed = await db.query<{ count: string }>(
      `SELECT count(*) FROM runs WHERE status <> 'succeeded'`,
    );
    if (Number(failed.rows[0]!.count) > 0) {
      throw new Error(`${failed.rows[0]!.count} benchmark runs did not succeed`);
    }

    const writes = diff(before, after);
    return {
      workers: options.workers,
      runs: options.runs,
      runsPerSecond: Math.round(runsPerSecond),
      latencyP50Ms: round(percentile(latencies, 0.5)),
      latencyP99Ms: round(percentile(latencies, 0.99)),
      latencyRuns: options.latencyRuns,
      latencyRatePerSecond: options.latencyRatePerSecond,
      rowWritesPerRun: round(writes.rows / options.runs),
      commitsPerRun: round(writes.commits / options.runs),
      writesByTable: Object.fromEntries(
        Object.entries(writes.byTable).map(([table, count]) => [
          table,
          round(count / options.runs),
        ]),
      ),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await db.end();
    await server.stop();
    await database.drop();
  }
}

async function enqueue(api: Api, flowId: string, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  const batch = 100;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const runs = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        api.flows.run.mutate({
          id: flowId,
          input: { n: start + i },
          idempotencyKey: `${prefix}-${start + i}`,
        }),
      ),
    );
    ids.push(...runs.map((run) => run.runId));
  }
  return ids;
}

async function enqueuePaced(
  api: Api,
  flowId: string,
  count: number,
  perSecond: number,
): Promise<string[]> {
  const ids: string[] = [];
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1_000));
  const started = Date.now();
  for (let sent = 0, tick = 0; sent < count; tick++) {
    const size = Math.min(perTick, count - sent);
    const runs = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        api.flows.run.mutate({
          id: flowId,
          input: { n: sent + i },
          idempotencyKey: `lat-${sent + i}`,
        }),
      ),
    );
    ids.push(...runs.map((run) => run.runId));
    sent += size;
    const due = started + (tick + 1) * tickMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return ids;
}

/** Completed runs per second between 10% and 90% of `total`. */
async function drainRate(db: pg.Client, total: number): Promise<number> {
  const deadline = Date.now() + 600_000;
  const low = Math.floor(total * 0.1);
  const high = Math.ceil(total * 0.9);
  let lowAt: { t: number; done: number } | undefined;
  let progress = { t: performance.now(), done: -1 };
  for (;;) {
    const done = await finalCount(db);
    const t = performance.now();
    if (done !== progress.done) progress = { t, done };
    if (t - progress.t > 30_000) throw new Error(`no run finished for 30 s (${done} of ${total})`);
    if (!lowAt && done >= low) lowAt = { t, done };
    if (lowAt && done >= high) return ((done - lowAt.done) / (t - lowAt.t)) * 1_000;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${total} runs finished`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitAllFinal(db: pg.Client, total: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  while ((await finalCount(db)) < total) {
    if (Date.now() > deadline) throw new Error('runs did not finish');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function finalCount(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*) FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled')`,
  );
  return Number(rows[0]!.count);
}

type Snapshot = { rows: number; commits: number; byTable: Record<string, number> };

async function statSnapshot(db: pg.Client): Promise<Snapshot> {
  const database = await db.query<{ rows: string; commits: string }>(
    `SELECT tup_inserted + tup_updated + tup_deleted AS rows, xact_commit AS commits
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const tables = await db.query<{ name: string; writes: string }>(
    `SELECT schemaname || '.' || relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS writes
       FROM pg_stat_all_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
  );
  return {
    rows: Number(database.rows[0]!.rows),
    commits: Number(database.rows[0]!.commits),
    byTable: Object.fromEntries(tables.rows.map((row) => [row.name, Number(row.writes)])),
  };
}

function diff(before: Snapshot, after: Snapshot): Snapshot {
  const byTable: Record<string, number> = {};
  for (const [table, writes] of Object.entries(after.byTable)) {
    const delta = writes - (before.byTable[table] ?? 0);
    if (delta > 0) byTable[table] = delta;
  }
  return { rows: after.rows - before.rows, commits: after.commits - before.commits, byTable };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
