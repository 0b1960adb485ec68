/**
 * Cancelling a run. Decided under the run's row lock, so it cannot race a worker claiming it:
 * a run no worker holds (queued, or suspended until its next attempt) is cancelled on the spot;
 * a run a live worker executes is flagged and the worker told through NOTIFY (and, should the
 * notification be missed, on its next heartbeat). The worker aborts the run and records it.
 */
import type pg from 'pg';
import { withTransaction } from '../db/pg-pool.ts';
import { NotFoundError, RunStateError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import { type BulkRunResult, refusalOf } from './run-bulk-actions.ts';
import { runJobKey } from './run-queue.ts';
import { FINAL_RUN_STATUSES, RUN_STATUS, type RunStatus, STEP_STATUS } from './run-status.ts';

/** The channel workers LISTEN on; the payload is the run id. */
export const RUN_CANCEL_CHANNEL = 'patchbay_run_cancel';

/** The error a run cancelled by the user ends with. */
export const USER_CANCELLED_ERROR = {
  code: 'RUN_CANCELLED',
  message: 'Cancelled by the user',
  retryable: false,
} as const;

const STEP_CANCELLED_ERROR = {
  code: 'RUN_CANCELLED',
  message: 'The run was cancelled by the user before this step finished',
  retryable: false,
} as const;

/** cancelled: done. cancelling: a worker is executing the run and will record the cancellation. */
export type CancelRunResult = { runId: string; status: 'cancelled' | 'cancelling' };

type LockedRun = { status: string; lease_owner: string | null; lease_live: boolean };

export async function cancelRun(pool: pg.Pool, runId: string): Promise<CancelRunResult> {
  if (!isUuid(runId)) throw new NotFoundError('Run', runId);
  return withTransaction(pool, async ({ client }) => {
    const { rows } = await client.query<LockedRun>(
      `SELECT status, lease_owner, COALESCE(lease_expires_at > now(), false) AS lease_live
         FROM runs WHERE id = $1 FOR UPDATE`,
      [runId],
    );
    const run = rows[0];
    if (!run) throw new NotFoundError('Run', runId);
    if (isFinal(run.status)) throw finishedRunError(runId, run.status);
    return cancelLockedRun(client, runId, run);
  });
}

/**
 * Cancels several runs (runs.cancelMany) in one transaction: their rows are locked in id order (as
 * cancelActiveRunsOfFlow does, so two bulk cancels cannot deadlock), then each queued or running
 * run is cancelled as cancelRun would; a missing or finished run is refused, naming it.
 */
export async function cancelRuns(
  pool: pg.Pool,
  runIds: readonly string[],
): Promise<BulkRunResult<{ status: CancelRunResult['status'] }>[]> {
  const ids = [...new Set(runIds)];
  return withTransaction(pool, async ({ client }) => {
    const { rows } = await client.query<LockedRun & { id: string }>(
      `SELECT id, status, lease_owner, COALESCE(lease_expires_at > now(), false) AS lease_live
         FROM runs WHERE id = ANY($1::uuid[])
        ORDER BY id
          FOR UPDATE`,
      [ids.filter(isUuid)],
    );
    const locked = new Map(rows.map((row) => [row.id, row]));
    const results: BulkRunResult<{ status: CancelRunResult['status'] }>[] = [];
    for (const id of ids) {
      const run = locked.get(id);
      if (!run) results.push(refusalOf(id, new NotFoundError('Run', id)));
      else if (isFinal(run.status)) results.push(refusalOf(id, finishedRunError(id, run.status)));
      else {
        const { status } = await cancelLockedRun(client, id, run);
        results.push({ id, ok: true, status });
      }
    }
    return results;
  });
}

/**
 * Cancels every queued or running run of a flow, in the caller's transaction (deleting a flow).
 * The caller holds the flow's row lock, so no new run of it starts meanwhile.
 */
export async function cancelActiveRunsOfFlow(
  client: pg.PoolClient,
  flowId: string,
): Promise<CancelRunResult[]> {
  const { rows } = await client.query<LockedRun & { id: string }>(
    `SELECT id, status, lease_owner, COALESCE(lease_expires_at > now(), false) AS lease_live
       FROM runs
      WHERE flow_id = $1 AND status IN ('${RUN_STATUS.queued}', '${RUN_STATUS.running}')
      ORDER BY id
        FOR UPDATE`,
    [flowId],
  );
  const results: CancelRunResult[] = [];
  for (const run of rows) results.push(await cancelLockedRun(client, run.id, run));
  return results;
}

/** Cancels a queued or running run whose row the transaction has locked. */
async function cancelLockedRun(
  client: pg.PoolClient,
  runId: string,
  run: LockedRun,
): Promise<CancelRunResult> {
  if (run.status === RUN_STATUS.running && run.lease_owner !== null && run.lease_live) {
    await client.query(
      `UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, now()) WHERE id = $1`,
      [runId],
    );
    await client.query('SELECT pg_notify($1, $2)', [RUN_CANCEL_CHANNEL, runId]);
    return { runId, status: 'cancelling' };
  }

  // Queued, suspended, or left behind by a worker that died: nobody is executing it.
  await client.query(
    `UPDATE runs
        SET status = '${RUN_STATUS.cancelled}',
            finished_at = now(),
            duration_ms = CASE WHEN started_at IS NULL THEN NULL
              ELSE GREATEST(0, round(EXTRACT(EPOCH FROM (now() - started_at)) * 1000))::int END,
            error = $2::jsonb,
            cancel_requested_at = COALESCE(cancel_requested_at, now()),
            lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL
      WHERE id = $1`,
    [runId, JSON.stringify(USER_CANCELLED_ERROR)],
  );
  await client.query(
    `UPDATE step_runs
        SET status = '${STEP_STATUS.failed}', error = $2::jsonb, finished_at = now()
      WHERE run_id = $1 AND status IN ('${STEP_STATUS.waiting}', '${STEP_STATUS.running}')`,
    [runId, JSON.stringify(STEP_CANCELLED_ERROR)],
  );
  // Its pending job (a wake-up) would be a no-op; remove it rather than let it run.
  await client.query('SELECT graphile_worker.remove_job($1)', [runJobKey(runId)]);
  return { runId, status: 'cancelled' };
}

function isFinal(status: string): boolean {
  return (FINAL_RUN_STATUSES as readonly string[]).includes(status);
}

function finishedRunError(runId: string, status: string): RunStateError {
  return new RunStateError(
    'RUN_FINISHED',
    `Run "${runId}" has already ${describeFinal(status as RunStatus)}; only queued or running runs can be cancelled.`,
    { details: { runId, status } },
  );
}

function describeFinal(status: RunStatus): string {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    default:
      return 'been cancelled';
  }
}
