/**
 * The retention job: deletes finished runs (with their steps) older than the retention in days or
 * past their flow's `settings.maxRunsKept`, and clears the step inputs and outputs of old succeeded
 * runs; worker presence rows (stats.activity) go after WORKER_PRESENCE_KEPT_DAYS. Every worker process schedules passes; a session advisory lock lets one process prune at a
 * time (the others skip that pass). Work is done in batches of `batchSize` runs per statement with
 * SKIP LOCKED, so no statement waits on a run being written or holds many row locks for long, and
 * a short pause between batches leaves room for the runs being executed. Each pass is recorded in
 * `pruning_log` (shown by `system.retention`).
 *
 * Never deleted: queued, running or suspended runs, and a finished run that a queued or running
 * retry came from (runs.retry_of_run_id is ON DELETE SET NULL anyway; a retry copies the steps it
 * reuses when it is created, so it never reads its source again).
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, systemClock } from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import { withTryAdvisoryLock } from '../db/advisory-lock.ts';
import { PeriodicTask } from '../db/periodic-task.ts';
import { STEP_TEST_RETENTION_DAYS } from '../flows/step-test-service.ts';
import { RUN_STATUS } from '../runs/run-status.ts';
import type { RetentionConfig } from './retention-config.ts';

/** pg_try_advisory_lock(RETENTION_LOCK_CLASS, RETENTION_LOCK_KEY): held for the whole pass. */
export const RETENTION_LOCK_CLASS = 0x7062; // "pb"
export const RETENTION_LOCK_KEY = 0x72657465; // "rete"
/** Pruning log rows are kept this long. */
const LOG_KEPT_DAYS = 90;
/** Worker presence (stats.activity's workers alive) is kept as long as a stats range reaches. */
export const WORKER_PRESENCE_KEPT_DAYS = 90;
const DAY_MS = 86_400_000;

export type PruningPassResult =
  | { outcome: 'skipped' }
  | {
      outcome: 'done';
      logId: string;
      runsDeleted: number;
      runsOverFlowLimitDeleted: number;
      runsStepDataPruned: number;
      statements: number;
    };

const FINISHED = `status IN ('${RUN_STATUS.succeeded}', '${RUN_STATUS.failed}', '${RUN_STATUS.cancelled}')`;
/** A finished run a queued or running retry came from is kept until that retry finishes. */
const NO_PENDING_RETRY = `NOT EXISTS (SELECT 1 FROM runs retry
                   WHERE retry.retry_of_run_id = runs.id
                     AND retry.status IN ('${RUN_STATUS.queued}', '${RUN_STATUS.running}'))`;

// finished_at >= created_at, so the created_at bound only lets the (status, created_at) index
// narrow the scan.
const DELETE_OLD_RUNS = `
DELETE FROM runs WHERE id IN (
  SELECT id FROM runs
   WHERE ${FINISHED} AND created_at < $1 AND finished_at < $1 AND ${NO_PENDING_RETRY}
   LIMIT $2
   FOR UPDATE SKIP LOCKED)`;

const FLOWS_WITH_RUN_LIMIT = `
SELECT id, (document->'settings'->>'maxRunsKept')::int AS keep FROM flows
 WHERE jsonb_typeof(document->'settings'->'maxRunsKept') = 'number'`;

/** The flow's finished runs past its newest `keep` ones (a locked one is skipped: kept). */
const DELETE_OLD_STEP_TESTS = 'DELETE FROM step_tests WHERE started_at < $1';

const DELETE_RUNS_OVER_LIMIT = `
DELETE FROM runs WHERE id IN (
  SELECT id FROM runs
   WHERE flow_id = $1 AND ${FINISHED} AND ${NO_PENDING_RETRY}
   ORDER BY created_at DESC, id DESC
   OFFSET $2 LIMIT $3
   FOR UPDATE SKIP LOCKED)`;

const PRUNE_STEP_DATA = `
WITH batch AS (
  SELECT id FROM runs
   WHERE status = '${RUN_STATUS.succeeded}' AND step_data_pruned_at IS NULL
     AND created_at < $1 AND finished_at < $1
   LIMIT $2
   FOR UPDATE SKIP LOCKED
), marked AS (
  UPDATE runs SET step_data_pruned_at = $3 FROM batch WHERE runs.id = batch.id RETURNING runs.id
), cleared AS (
  UPDATE step_runs SET input = NULL, output = NULL
    FROM marked WHERE step_runs.run_id = marked.id
  RETURNING 1
)
SELECT (SELECT count(*) FROM marked)::int AS runs`;

const FINISH_LOG = `
UPDATE pruning_log SET finished_at = $2, runs_deleted = $3, runs_over_flow_limit_deleted = $4,
       runs_step_data_pruned = $5, statements = $6, error = $7
 WHERE id = $1`;

export class RetentionPruner {
  readonly #task: PeriodicTask;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      config: RetentionConfig;
      /** Recorded in pruning_log: which process pruned. */
      workerId: string;
      logger: Pick<Logger, 'info' | 'warn' | 'error'>;
      clock?: Clock;
      random?: () => number;
    },
  ) {
    this.#task = new PeriodicTask({
      intervalMs: deps.config.intervalMs,
      run: () => this.prune(),
      failureMessage: 'Pruning run history failed',
      logger: deps.logger,
      ...(deps.random ? { random: deps.random } : {}),
    });
  }

  /** Schedules passes: the first one a minute or so after start, then every intervalMs. */
  start(): void {
    this.#task.start();
  }

  /** Stops scheduling and waits for a pass in progress (it stops after its current batch). */
  stop(): Promise<void> {
    return this.#task.stop();
  }

  /**
   * One pruning pass now, unless another process is pruning (then `skipped`). A pass that fails
   * is recorded with its error in pruning_log, and the error is thrown.
   */
  async prune(): Promise<PruningPassResult> {
    const client = await this.deps.pool.connect();
    try {
      const pass = await withTryAdvisoryLock(
        client,
        [RETENTION_LOCK_CLASS, RETENTION_LOCK_KEY],
        () => this.loggedPass(client),
      );
      return pass.locked ? pass.value : { outcome: 'skipped' };
    } finally {
      client.release();
    }
  }

  /** A pass recorded in pruning_log: its counts, and its error if it fails. */
  private async loggedPass(client: pg.PoolClient): Promise<PruningPassResult> {
    const now = this.now();
    const log = await client.query<{ id: string }>(
      'INSERT INTO pruning_log (started_at, worker_id) VALUES ($1, $2) RETURNING id::text',
      [now, this.deps.workerId],
    );
    const logId = log.rows[0]?.id ?? '';
    const counts = {
      runsDeleted: 0,
      runsOverFlowLimitDeleted: 0,
      runsStepDataPruned: 0,
      statements: 0,
    };
    const finish = (error: string | null) =>
      client.query(FINISH_LOG, [
        logId,
        this.now(),
        counts.runsDeleted,
        counts.runsOverFlowLimitDeleted,
        counts.runsStepDataPruned,
        counts.statements,
        error,
      ]);
    try {
      await this.prunePass(client, now, counts);
    } catch (error) {
      await finish(error instanceof Error ? error.message : String(error)).catch(() => undefined);
      throw error;
    }
    await finish(null);
    if (counts.runsDeleted + counts.runsOverFlowLimitDeleted + counts.runsStepDataPruned > 0) {
      this.deps.logger.info({ ...counts, retention: this.deps.config }, 'Pruned run history');
    }
    return { outcome: 'done', logId, ...counts };
  }

  private async prunePass(
    client: pg.PoolClient,
    now: Date,
    counts: {
      runsDeleted: number;
      runsOverFlowLimitDeleted: number;
      runsStepDataPruned: number;
      statements: number;
    },
  ): Promise<void> {
    const { config } = this.deps;
    const batch = config.batchSize;
    if (config.runRetentionDays > 0) {
      const cutoff = new Date(now.getTime() - config.runRetentionDays * DAY_MS);
      counts.runsDeleted += await this.inBatches(counts, () =>
        client.query(DELETE_OLD_RUNS, [cutoff, batch]),
      );
    }
    const limited = await client.query<{ id: string; keep: number }>(FLOWS_WITH_RUN_LIMIT);
    for (const flow of limited.rows) {
      if (!(flow.keep >= 1)) continue; // a document saved before validation: no limit
      counts.runsOverFlowLimitDeleted += await this.inBatches(counts, () =>
        client.query(DELETE_RUNS_OVER_LIMIT, [flow.id, flow.keep, batch]),
      );
    }
    if (config.stepDataRetentionDays !== undefined) {
      const cutoff = new Date(now.getTime() - config.stepDataRetentionDays * DAY_MS);
      counts.runsStepDataPruned += await this.inBatches(counts, async () => {
        const result = await client.query<{ runs: number }>(PRUNE_STEP_DATA, [cutoff, batch, now]);
        return { rowCount: result.rows[0]?.runs ?? 0 };
      });
    }
    // Step tests (flows.testStep) are kept a short while whatever the run retention says. A
    // week of them is small: one statement, not counted among the runs' batches.
    await client.query(DELETE_OLD_STEP_TESTS, [
      new Date(now.getTime() - STEP_TEST_RETENTION_DAYS * DAY_MS),
    ]);
    await client.query('DELETE FROM pruning_log WHERE started_at < $1', [
      new Date(now.getTime() - LOG_KEPT_DAYS * DAY_MS),
    ]);
    // One row per worker and minute: a few thousand a day per worker, deleted in one statement.
    await client.query('DELETE FROM worker_presence_minute WHERE minute < $1', [
      new Date(now.getTime() - WORKER_PRESENCE_KEPT_DAYS * DAY_MS),
    ]);
  }

  /** Runs `statement` until a batch comes back short; returns the rows it affected in all. */
  private async inBatches(
    counts: { statements: number },
    statement: () => Promise<{ rowCount: number | null }>,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await statement();
      counts.statements += 1;
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < this.deps.config.batchSize || this.#task.stopping) return total;
      if (this.deps.config.batchPauseMs > 0) await sleep(this.deps.config.batchPauseMs);
    }
  }

  private now(): Date {
    return (this.deps.clock ?? systemClock).now();
  }
}
