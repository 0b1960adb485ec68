/**
 * Error flows: when a run of a flow whose settings name an `errorFlowId` fails, that flow is
 * started once with the failed run's summary as input (`{ failedRun }`) and trigger `error`.
 *
 * The start is a graphile-worker job (`error_flow`, keyed `error-flow:<run id>`) that RunStore
 * adds in the same transaction as the failure, so it is durable from the moment the failure is
 * committed and survives a crash between that commit and the start; the worker that picks it up
 * starts the error flow through the RunIntake with the idempotency key `error-flow:<run id>`, so
 * a job that runs twice (its worker died after the start, before completing the job) still starts
 * one run. A run whose trigger is `error` never gets the job: error flows never chain.
 */

import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { toJsonText } from '../db/json-column.ts';
import { FlowDeletedError, FlowNotRunnableError, NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import type { RunIntake } from './run-intake.ts';
import { RUN_JOB_MAX_ATTEMPTS } from './run-queue.ts';
import { RUN_STATUS, RUN_TRIGGER } from './run-status.ts';

/** The graphile-worker task that starts error flows. */
export const ERROR_FLOW_TASK = 'error_flow';

/** The idempotency key of the error flow's run started for failed run `runId`. */
export function errorFlowIdempotencyKey(runId: string): string {
  return `error-flow:${runId}`;
}

/**
 * Adds the error-flow job of failed run $1, if its flow version names an error flow and the run
 * was not itself an error flow's run. Runs in the failing transaction (RunStore.finish), only for
 * failed runs: succeeded runs never pay for it.
 */
export const ADD_ERROR_FLOW_JOB = `
SELECT graphile_worker.add_job(
         '${ERROR_FLOW_TASK}',
         json_build_object('runId', r.id),
         job_key := 'error-flow:' || r.id,
         max_attempts := ${RUN_JOB_MAX_ATTEMPTS})
  FROM runs r JOIN flow_versions v ON v.id = r.flow_version_id
 WHERE r.id = $1 AND r.status = '${RUN_STATUS.failed}' AND r.trigger <> '${RUN_TRIGGER.error}'
   AND v.document->'settings'->>'errorFlowId' IS NOT NULL`;

/** The error flow's input: `{ failedRun }`. */
export type FailedRunSummary = {
  id: string;
  flowId: string;
  flowName: string;
  trigger: string;
  status: 'failed';
  error: { code: string; message: string };
  failedNodeId: string | null;
  failedNodeLabel: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** The run's page, when PATCHBAY_PUBLIC_URL is set; else null. */
  url: string | null;
};

const FAILED_RUN = `
SELECT r.id, r.flow_id, f.name AS flow_name, r.trigger, r.status, r.error, r.started_at,
       r.finished_at, r.duration_ms, v.document->'settings'->>'errorFlowId' AS error_flow_id,
       v.document->'nodes' AS nodes
  FROM runs r
  JOIN flows f ON f.id = r.flow_id
  JOIN flow_versions v ON v.id = r.flow_version_id
 WHERE r.id = $1`;

type FailedRunRow = {
  id: string;
  flow_id: string;
  flow_name: string;
  trigger: string;
  status: string;
  error: unknown;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  error_flow_id: string | null;
  nodes: unknown;
};

const payloadSchema = z.object({ runId: z.string().refine(isUuid, 'must be a UUID') });
const storedErrorSchema = z
  .object({ code: z.string(), message: z.string(), nodeId: z.string().optional() })
  .partial();
const nodesSchema = z.array(z.object({ id: z.string(), label: z.string().optional() }).loose());

/** The summary handed to the error flow (pure: the row as read, and the public URL). */
export function failedRunSummary(row: FailedRunRow, publicUrl: URL | undefined): FailedRunSummary {
  const error = storedErrorSchema.safeParse(row.error);
  const stored = error.success ? error.data : {};
  const failedNodeId = stored.nodeId ?? null;
  const nodes = nodesSchema.safeParse(row.nodes);
  const node =
    failedNodeId === null || !nodes.success
      ? undefined
      : nodes.data.find((candidate) => candidate.id === failedNodeId);
  return {
    id: row.id,
    flowId: row.flow_id,
    flowName: row.flow_name,
    trigger: row.trigger,
    status: 'failed',
    error: {
      code: stored.code ?? 'UNKNOWN',
      message: stored.message ?? 'The run failed without an error message',
    },
    failedNodeId,
    failedNodeLabel: node?.label ?? null,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.duration_ms,
    url: publicUrl ? new URL(`/runs/${row.id}`, publicUrl).toString() : null,
  };
}

export type ErrorFlowStarterDeps = {
  pool: pg.Pool;
  intake: Pick<RunIntake, 'start'>;
  /** PATCHBAY_PUBLIC_URL: the summary links to the run's page under it. */
  publicUrl: URL | undefined;
  logger: Logger;
};

/** The `error_flow` task: starts the error flow of one failed run. */
export class ErrorFlowStarter {
  constructor(private readonly deps: ErrorFlowStarterDeps) {}

  /**
   * Resolves when the error flow was started (or had been), or cannot be (deleted, archived,
   * invalid: logged, not retried). Rejects on a database error or while Patchbay sheds load, so
   * that graphile-worker tries again later.
   */
  async handle(payload: unknown): Promise<void> {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) {
      this.deps.logger.error({ payload }, 'Ignoring a malformed error-flow job');
      return;
    }
    const { rows } = await this.deps.pool.query<FailedRunRow>(FAILED_RUN, [parsed.data.runId]);
    const row = rows[0];
    // Pruned meanwhile, or not (or no longer) a failed run with an error flow: nothing to start.
    if (
      !row ||
      row.status !== RUN_STATUS.failed ||
      row.trigger === RUN_TRIGGER.error ||
      !row.error_flow_id
    ) {
      return;
    }
    const input = { failedRun: failedRunSummary(row, this.deps.publicUrl) };
    const log = this.deps.logger.child({
      flowId: row.flow_id,
      runId: row.id,
      errorFlowId: row.error_flow_id,
    });
    try {
      const started = await this.deps.intake.start({
        flowId: row.error_flow_id,
        input,
        inputText: toJsonText(input),
        trigger: RUN_TRIGGER.error,
        idempotencyKey: errorFlowIdempotencyKey(row.id),
      });
      log.info(
        { errorRunId: started.runId, deduplicated: started.deduplicated },
        'Started the error flow of a failed run',
      );
    } catch (error) {
      if (
        error instanceof NotFoundError ||
        error instanceof FlowDeletedError ||
        error instanceof FlowNotRunnableError
      ) {
        // Deleted or broken since the failing flow was saved: retrying cannot help.
        log.error(
          { err: error, code: error.code },
          `Could not start the error flow of a failed run of flow "${row.flow_name}": ${error.message}`,
        );
        return;
      }
      throw error;
    }
  }
}
