/**
 * Recovers runs from workers that died. Every worker sweeps (about every leaseMs/2, jittered so
 * workers do not sweep in step); SKIP LOCKED lets sweeps overlap without blocking each other.
 *
 * 1. Dead workers: a `workers` row whose heartbeat is older than a lease is removed, and queue
 *    jobs locked by a graphile-worker pool that belongs to no live worker are unlocked
 *    (force_unlock_workers), so they run again now rather than after graphile-worker's 4 hour
 *    lock expiry. Such a job is usually a no-op by then (see below). Jobs that add_job superseded
 *    while they were locked (no key, no attempts left) are deleted.
 * 2. Expired leases: runs still `running` whose owner stopped renewing are freed (no owner, due
 *    now, one more interruption counted) and their job is added again; the next worker resumes
 *    them from their steps, or fails them as poison runs when they were interrupted too often.
 * 3. Belt and braces: queued or due runs older than a lease that have no live job get one.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { addRunJobSql, RUN_TASK } from '../runs/run-queue.ts';
import { RUN_STATUS } from '../runs/run-status.ts';

export type SweepResult = {
  deadWorkers: number;
  unlockedQueueWorkers: number;
  expiredLeases: number;
  orphansEnqueued: number;
};

const SWEEP_BATCH = 100;
const SUPERSEDED_JOBS_BATCH = 1_000;

const STALE = `now() - $1 * interval '1 millisecond'`;

const DEAD_WORKERS = `
WITH dead AS (
  DELETE FROM workers WHERE heartbeat_at < ${STALE} AND id <> $2 RETURNING id
), live AS (
  SELECT queue_worker_id FROM workers
   WHERE queue_worker_id IS NOT NULL AND (heartbeat_at >= ${STALE} OR id = $2)
)
SELECT (SELECT count(*)::int FROM dead) AS dead_workers,
       ARRAY(SELECT DISTINCT locked_by FROM graphile_worker.jobs
              WHERE locked_by IS NOT NULL AND locked_at < ${STALE}
                AND locked_by NOT IN (SELECT queue_worker_id FROM live)) AS orphaned_pools`;

const DELETE_SUPERSEDED_JOBS = `
SELECT count(*)::int AS deleted FROM graphile_worker.complete_jobs(ARRAY(
  SELECT id FROM graphile_worker.jobs
   WHERE task_identifier = '${RUN_TASK}' AND key IS NULL AND locked_at IS NULL
     AND attempts >= max_attempts
   LIMIT ${SUPERSEDED_JOBS_BATCH}))`;

const EXPIRED_LEASES = `
WITH expired AS (
  SELECT id FROM runs
   WHERE status = '${RUN_STATUS.running}' AND lease_owner IS NOT NULL AND lease_expires_at < now()
   ORDER BY lease_expires_at
   LIMIT ${SWEEP_BATCH}
   FOR UPDATE SKIP LOCKED
), freed AS (
  UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL, wake_at = now(),
                  interruptions = interruptions + 1
    FROM expired WHERE runs.id = expired.id
  RETURNING runs.id, runs.flow_version_id
)
SELECT freed.id, (${addRunJobSql('freed.id', 'freed.flow_version_id')}).id AS job_id FROM freed`;

const ORPHANS = `
WITH orphans AS (
  SELECT r.id, r.flow_version_id FROM runs r
   WHERE ((r.status = '${RUN_STATUS.queued}' AND r.created_at < ${STALE})
       OR (r.status = '${RUN_STATUS.running}' AND r.lease_owner IS NULL
           AND COALESCE(r.wake_at, r.started_at, r.created_at) < ${STALE}))
     AND NOT EXISTS (SELECT 1 FROM graphile_worker.jobs j
                      WHERE j.key = 'run:' || r.id AND j.attempts < j.max_attempts)
   ORDER BY r.created_at
   LIMIT ${SWEEP_BATCH}
   FOR UPDATE OF r SKIP LOCKED
)
SELECT orphans.id, (${addRunJobSql('orphans.id', 'orphans.flow_version_id')}).id AS job_id
  FROM orphans`;

export class LeaseSweeper {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      workerId: string;
      leaseMs: number;
      logger: Pick<Logger, 'info' | 'warn' | 'error'>;
      random?: () => number;
    },
  ) {}

  /** Starts sweeping; the first sweep comes soon, for runs left by a crash before this start. */
  start(): void {
    this.stopped = false;
    this.schedule(Math.min(1_000, this.deps.leaseMs / 4));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async sweep(): Promise<SweepResult> {
    const { pool, workerId, leaseMs, logger } = this.deps;
    const dead = await pool.query<{ dead_workers: number; orphaned_pools: string[] }>(
      DEAD_WORKERS,
      [leaseMs, workerId],
    );
    const { dead_workers: deadWorkers = 0, orphaned_pools: pools = [] } = dead.rows[0] ?? {};
    if (pools.length > 0) {
      await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [pools]);
    }
    await pool.query(DELETE_SUPERSEDED_JOBS);
    const expired = await pool.query<{ id: string }>(EXPIRED_LEASES);
    const orphans = await pool.query<{ id: string }>(ORPHANS, [leaseMs]);
    const result: SweepResult = {
      deadWorkers,
      unlockedQueueWorkers: pools.length,
      expiredLeases: expired.rowCount ?? 0,
      orphansEnqueued: orphans.rowCount ?? 0,
    };
    if (result.deadWorkers + result.unlockedQueueWorkers + result.expiredLeases > 0) {
      logger.warn(
        { ...result, runs: expired.rows.map((row) => row.id) },
        'Recovered runs from stopped workers',
      );
    }
    if (result.orphansEnqueued > 0) {
      logger.warn({ runs: orphans.rows.map((row) => row.id) }, 'Re-enqueued runs that had no job');
    }
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'Lease sweep failed'))
        .finally(() => this.schedule(this.interval()));
    }, delayMs);
    this.timer.unref();
  }

  /** About half a lease, ±25%. */
  private interval(): number {
    const random = this.deps.random ?? Math.random;
    return Math.max(50, Math.round((this.deps.leaseMs / 2) * (0.75 + random() * 0.5)));
  }
}
