/**
 * How runs become jobs on graphile-worker's queue. Every enqueue is plain SQL
 * (`graphile_worker.add_job`), so it joins the caller's statement or transaction: a run is never
 * recorded without its job, nor a job added for a run that was not recorded.
 *
 * One job per run, keyed `run:<id>`. add_job in its default 'replace' mode updates a pending job
 * with that key in place (a new run_at), or, when the job is locked by a worker that is executing
 * it, takes the key away from that job (which then never runs again) and adds a fresh one. A job
 * for a run that is finished, cancelled or owned by a live worker is a no-op when it runs.
 */

/** The graphile-worker task that executes runs. */
export const RUN_TASK = 'run';

/** graphile-worker retries a job whose handler threw (a database outage) this often. */
export const RUN_JOB_MAX_ATTEMPTS = 25;

/** The job payload. flowVersionId lets the worker pick the flow's concurrency limit before claiming. */
export type RunJobPayload = { runId: string; flowVersionId?: string };

/**
 * A SQL expression adding (or rescheduling) the job of a run, for use in a SELECT. `runId` and
 * `flowVersionId` are SQL expressions of the row being enqueued; `runAt` a timestamptz expression.
 */
export function addRunJobSql(runId: string, flowVersionId: string, runAt = 'now()'): string {
  return `graphile_worker.add_job(
      '${RUN_TASK}',
      json_build_object('runId', ${runId}, 'flowVersionId', ${flowVersionId}),
      run_at := ${runAt},
      job_key := 'run:' || ${runId},
      max_attempts := ${RUN_JOB_MAX_ATTEMPTS})`;
}

export function runJobKey(runId: string): string {
  return `run:${runId}`;
}
