/**
 * How many PostgreSQL connections each pool of a process may open, from what the process runs
 * (its role and PATCHBAY_WORKER_CONCURRENCY), and what that asks of the database. Every pool
 * opens connections on demand and closes them after 10 s idle, so these are caps, not what an
 * idle process holds; the database must still allow the sum.
 */
import type pg from 'pg';
import { executesRuns, type ProcessRole, servesHttp } from '../process-role.ts';

export type ConnectionBudget = {
  /** graphile-worker's pool cap (its LISTEN client, job fetches, batched completions). */
  queue: number;
  /**
   * What that pool opens in practice: with the local queue (prefetch, on by default) jobs are
   * fetched and completed in batches, on a handful of connections whatever the concurrency.
   */
  queueInUse: number;
  /** The raw pg pool (pg-pool.ts): the API's hot paths, leases, run execution. */
  pool: number;
  /** Prisma's pool: the API's reads and edits. */
  prisma: number;
  /** Connections outside any pool: the trigger manager's listener, the cancellation listener. */
  dedicated: number;
  /** The most this process opens at once. */
  total: number;
};

/** Connections the API's requests use at most at once, in each of the two pools. */
const HTTP_CONNECTIONS = 10;
/** A worker's own statements besides its runs': heartbeat, sweeper, flow versions. */
const WORKER_BASE_CONNECTIONS = 5;
/** Room on the embedded server beyond one process: migrations, psql, another process. */
const EMBEDDED_HEADROOM = 20;
/** Connections graphile-worker's batched fetches and completions use at most in practice. */
const QUEUE_CONNECTIONS_IN_USE = 10;
/** The most connections the raw pool gives to run execution (statements are short and batched). */
const MAX_RUN_CONNECTIONS = 20;
/** PostgreSQL's default, kept as the embedded server's least. */
const DEFAULT_MAX_CONNECTIONS = 100;

/**
 * graphile-worker's pool: one more than the concurrency, as graphile-worker warns about a pool
 * smaller than its concurrency. With the local queue (PATCHBAY_WORKER_PREFETCH, on by default) it
 * fetches and completes jobs in batches and keeps 3–5 connections open at concurrency 50; without
 * it each slot fetches its own, beside the LISTEN client.
 */
export function queuePoolSize(concurrency: number): number {
  return concurrency + 1;
}

export function connectionBudget(
  role: ProcessRole,
  concurrency: number | undefined,
  options: { localQueue?: boolean } = {},
): ConnectionBudget {
  const http = servesHttp(role);
  const runs = executesRuns(role) ? (concurrency ?? 0) : 0;
  const queue = runs > 0 ? queuePoolSize(runs) : 0;
  // An executing run holds a connection only for its short statements: at concurrency 50, pools
  // of 20 to 50 gave the same throughput, bound by PostgreSQL's CPU (docs/benchmarks.md).
  // Inline runs' finishes and the intake's inserts are group-committed, so connections grow far
  // slower than the concurrency.
  const pool =
    (http ? HTTP_CONNECTIONS : 0) +
    (runs > 0 ? WORKER_BASE_CONNECTIONS + Math.min(Math.ceil(runs / 4), MAX_RUN_CONNECTIONS) : 0);
  // A worker-only process builds the same services but serves no requests.
  const prisma = http ? HTTP_CONNECTIONS : 2;
  // Every process LISTENs for flow trigger changes; one that executes runs also for cancels.
  const dedicated = 1 + (runs > 0 ? 1 : 0);
  const queueInUse =
    options.localQueue === false ? queue : Math.min(queue, QUEUE_CONNECTIONS_IN_USE);
  return {
    queue,
    queueInUse,
    pool,
    prisma,
    dedicated,
    total: queueInUse + pool + prisma + dedicated,
  };
}

/** The embedded PostgreSQL's max_connections: the process's budget with room to spare. */
export function embeddedMaxConnections(budget: ConnectionBudget): number {
  return Math.max(DEFAULT_MAX_CONNECTIONS, budget.total + EMBEDDED_HEADROOM);
}

/**
 * What to say when the database allows fewer connections than this process alone may open: under
 * load the pools would fail with "too many clients" (a DATABASE_URL server, or a large
 * PATCHBAY_WORKER_CONCURRENCY). The embedded server is sized to fit, so it never says anything.
 */
export function connectionLimitWarning(
  budget: ConnectionBudget,
  maxConnections: number,
): string | undefined {
  if (budget.total <= maxConnections) return undefined;
  return (
    `This process may open ${budget.total} PostgreSQL connections, more than the database's ` +
    `max_connections (${maxConnections}): raise max_connections or lower ` +
    'PATCHBAY_WORKER_CONCURRENCY'
  );
}

/** Logs connectionLimitWarning for the database `pool` is connected to. */
export async function warnIfOverConnectionLimit(
  pool: pg.Pool,
  budget: ConnectionBudget,
  logger: { warn(obj: object, msg: string): void },
): Promise<void> {
  const { rows } = await pool.query<{ max_connections: string }>('SHOW max_connections');
  const maxConnections = Number(rows[0]?.max_connections);
  const warning = connectionLimitWarning(budget, maxConnections);
  const { total, ...pools } = budget;
  if (warning) logger.warn({ connections: total, maxConnections, ...pools }, warning);
}
