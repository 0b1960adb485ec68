/**
 * One point of `pnpm bench api`: `connections` clients send `flows.run` back to back for a fixed
 * time (autocannon, one request in flight per connection), then the queue drains. Run figures
 * come from the runs table (database clock), CPU and memory from /proc.
 */
import os from 'node:os';
import autocannon from 'autocannon';
import type pg from 'pg';
import { cpuDelta, sampleTree, type TreeRoots } from './process-tree.ts';

export type PointTarget = {
  /** POST /trpc/flows.run: one unbatched tRPC mutation per request. */
  url: string;
  /** An API token (pb_…): bearer requests need no Origin header. */
  token: string;
  flowId: string;
  db: pg.Client;
  roots: TreeRoots;
};

export type PointResult = {
  connections: number;
  repetition: number;
  /** os.loadavg() just before the load: 1, 5 and 15 minutes. */
  loadAverage: number[];
  loadSeconds: number;
  acceptedPerSecond: number;
  /** Responses other than 2xx, by status code. */
  rejectedByStatus: Record<string, number>;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  /** Runs whose created_at lies in the load window. */
  runsCreated: number;
  /** Of those, not `succeeded` after the drain (failed, cancelled, or still unfinished). */
  runsNotSucceeded: number;
  runsUnfinished: number;
  /** Runs with finished_at inside the load window (any created_at), and per second of it. */
  runsCompletedDuringLoad: number;
  completedPerSecond: number;
  /** finished_at - created_at of the runs created in the window, including those that finished later. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  drained: boolean;
  drainSeconds: number;
  /** Runs that finished between the start of the load and the end of the drain. */
  runsCompletedInPoint: number;
  /** CPU from the start of the load to the end of the drain, per run completed in that time. */
  postgresCpuPerRunMs: number;
  serverCpuPerRunMs: number;
  sandboxCpuPerRunMs: number;
  /** The whole tree as the load ends. */
  pssAfterLoadMb: number;
};

export async function measurePoint(
  target: PointTarget,
  options: { connections: number; repetition: number; seconds: number; drainTimeoutMs: number },
): Promise<PointResult> {
  const { db, flowId } = target;
  const loadAverage = os.loadavg();
  const pointStart = new Date();
  const before = await sampleTree(target.roots);
  const load = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: flowId, input: { n: 1 } }),
    connections: options.connections,
    duration: options.seconds,
  });
  const afterLoad = await sampleTree(target.roots);
  const drainStarted = performance.now();
  const drained = await waitForDrain(db, flowId, options.drainTimeoutMs);
  const drainSeconds = (performance.now() - drainStarted) / 1_000;
  const cpu = cpuDelta(before, await sampleTree(target.roots));
  const pointEnd = new Date();

  const windowSeconds = (load.finish.getTime() - load.start.getTime()) / 1_000;
  const runs = await runFigures(db, flowId, { from: load.start, to: load.finish });
  const rejectedByStatus = Object.fromEntries(
    Object.entries(load.statusCodeStats ?? {})
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, { count }]) => [status, count ?? 0]),
  );
  const completed = await completedBetween(db, flowId, pointStart, pointEnd);
  const perRun = (ms: number) => round(completed > 0 ? ms / completed : Number.NaN);
  return {
    connections: options.connections,
    repetition: options.repetition,
    loadAverage: loadAverage.map(round),
    loadSeconds: round(windowSeconds),
    acceptedPerSecond: Math.round(load['2xx'] / windowSeconds),
    rejectedByStatus,
    errors: load.errors,
    timeouts: load.timeouts,
    ...runs,
    completedPerSecond: Math.round(runs.runsCompletedDuringLoad / windowSeconds),
    drained,
    drainSeconds: round(drainSeconds),
    runsCompletedInPoint: completed,
    postgresCpuPerRunMs: perRun(cpu.postgresCpuMs),
    serverCpuPerRunMs: perRun(cpu.serverCpuMs),
    sandboxCpuPerRunMs: perRun(cpu.childrenCpuMs),
    pssAfterLoadMb: Math.round(afterLoad.pssMb),
  };
}

/** Polls until no run of the flow is queued or running; false after `timeoutMs`. */
export async function waitForDrain(
  db: pg.Client,
  flowId: string,
  timeoutMs: number,
): Promise<boolean> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    const { rows } = await db.query<{ count: string }>(
      `SELECT count(*) FROM runs WHERE flow_id = $1 AND status IN ('queued', 'running')`,
      [flowId],
    );
    const pending = Number(rows[0]!.count);
    if (pending === 0) return true;
    if (Date.now() - started > timeoutMs) {
      console.error(`queue not drained after ${timeoutMs / 1_000} s: ${pending} runs pending`);
      return false;
    }
    if (Date.now() - reported >= 10_000) {
      reported = Date.now();
      console.error(`draining: ${pending} runs queued or running`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function runFigures(
  db: pg.Client,
  flowId: string,
  window: { from: Date; to: Date },
): Promise<
  Pick<
    PointResult,
    | 'runsCreated'
    | 'runsNotSucceeded'
    | 'runsUnfinished'
    | 'runsCompletedDuringLoad'
    | 'latencyP50Ms'
    | 'latencyP99Ms'
    | 'latencyMaxMs'
  >
> {
  const { rows } = await db.query<{
    created: string;
    not_succeeded: string;
    unfinished: string;
    completed_in_window: string;
    p50: string | null;
    p99: string | null;
    max: string | null;
  }>(
    `WITH created AS (
       SELECT status, EXTRACT(EPOCH FROM (finished_at - created_at)) * 1000 AS ms
         FROM runs WHERE flow_id = $1 AND created_at >= $2 AND created_at < $3)
     SELECT (SELECT count(*) FROM created) AS created,
            (SELECT count(*) FROM created WHERE status <> 'succeeded') AS not_succeeded,
            (SELECT count(*) FROM created WHERE ms IS NULL) AS unfinished,
            (SELECT count(*) FROM runs WHERE flow_id = $1 AND finished_at >= $2 AND finished_at < $3)
              AS completed_in_window,
            (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) FROM created) AS p50,
            (SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY ms) FROM created) AS p99,
            (SELECT max(ms) FROM created) AS max`,
    [flowId, window.from, window.to],
  );
  const row = rows[0]!;
  return {
    runsCreated: Number(row.created),
    runsNotSucceeded: Number(row.not_succeeded),
    runsUnfinished: Number(row.unfinished),
    runsCompletedDuringLoad: Number(row.completed_in_window),
    latencyP50Ms: round(Number(row.p50 ?? Number.NaN)),
    latencyP99Ms: round(Number(row.p99 ?? Number.NaN)),
    latencyMaxMs: round(Number(row.max ?? Number.NaN)),
  };
}

async function completedBetween(db: pg.Client, flowId: string, from: Date, to: Date) {
  const { rows } = await db.query<{ count: string }>(
    'SELECT count(*) FROM runs WHERE flow_id = $1 AND finished_at >= $2 AND finished_at <= $3',
    [flowId, from, to],
  );
  return Number(rows[0]!.count);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
