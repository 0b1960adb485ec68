/**
 * Retrying a failed or cancelled run as a new run with the same input. From the failed step: the
 * same flow version, and the source run's succeeded steps are copied into the new run (marked
 * reused), so the engine takes their outputs and resumes at the step that failed. From the start:
 * the flow's latest version, nothing reused. The new run, its copied steps and its job are
 * written in one transaction.
 */

import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '../db/pg-pool.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import { FlowDeletedError, NotFoundError, RunStateError } from '../domain-errors.ts';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import { isUuid } from '../uuid.ts';
import type { CachedFlowVersion } from './flow-version-cache.ts';
import { type BulkRunResult, settleEach } from './run-bulk-actions.ts';
import { addRunJobSql } from './run-queue.ts';
import { RETRY_MODE, type RetryMode, RUN_STATUS, STEP_STATUS } from './run-status.ts';

const FOREIGN_KEY_VIOLATION = '23503';
const RETRYABLE_STATUSES: readonly string[] = [RUN_STATUS.failed, RUN_STATUS.cancelled];

export type RetryRunDeps = {
  pool: pg.Pool;
  prisma: PrismaClient;
  /** The version to run, validated; the latest one when versionId is undefined. */
  runnableVersion(flowId: string, versionId: string | undefined): Promise<CachedFlowVersion>;
};

type RetrySource = { status: string; flowId: string; flowVersionId: string };

const SOURCE_SELECT = { id: true, status: true, flowId: true, flowVersionId: true } as const;

export async function retryRun(
  deps: RetryRunDeps,
  sourceId: string,
  from: RetryMode,
): Promise<{ runId: string }> {
  const source = isUuid(sourceId)
    ? await deps.prisma.run.findUnique({ where: { id: sourceId }, select: SOURCE_SELECT })
    : null;
  return retryLoadedRun(deps, sourceId, source, from);
}

/**
 * Retries several runs (runs.retryMany): the sources are read in one query, each flow version is
 * resolved once for the batch, and each new run is written in its own transaction, a few at a
 * time, so one refusal (a succeeded run, a deleted flow) does not undo the others. A domain error
 * becomes that run's refusal; any other error fails the call (see settleEach).
 */
export async function retryRuns(
  deps: RetryRunDeps,
  sourceIds: readonly string[],
  from: RetryMode,
): Promise<BulkRunResult[]> {
  const ids = [...new Set(sourceIds)];
  const found = await deps.prisma.run.findMany({
    where: { id: { in: ids.filter(isUuid) } },
    select: SOURCE_SELECT,
  });
  const sources = new Map(found.map((source) => [source.id, source]));
  const versions = new Map<string, Promise<CachedFlowVersion>>();
  const batchDeps: RetryRunDeps = {
    ...deps,
    runnableVersion(flowId, versionId) {
      const key = `${flowId}|${versionId ?? 'latest'}`;
      let version = versions.get(key);
      if (!version) {
        version = deps.runnableVersion(flowId, versionId);
        versions.set(key, version);
      }
      return version;
    },
  };
  return settleEach(ids, async (id) => {
    const { runId } = await retryLoadedRun(batchDeps, id, sources.get(id) ?? null, from);
    return { runId };
  });
}

async function retryLoadedRun(
  deps: RetryRunDeps,
  sourceId: string,
  source: RetrySource | null,
  from: RetryMode,
): Promise<{ runId: string }> {
  if (!source) throw new NotFoundError('Run', sourceId);
  if (!RETRYABLE_STATUSES.includes(source.status)) {
    throw new RunStateError(
      'RUN_NOT_RETRYABLE',
      `Run "${sourceId}" is ${source.status}; only failed or cancelled runs can be retried.`,
      { details: { runId: sourceId, status: source.status } },
    );
  }
  const reuse = from === RETRY_MODE.failedStep;
  const version = await deps.runnableVersion(
    source.flowId,
    reuse ? source.flowVersionId : undefined,
  );

  const runId = randomUUID();
  await withTransaction(deps.pool, async ({ client }) => {
    // Waits for a delete of the flow in progress; a deleted flow gets no new run.
    const live = await client.query<{ name: string; deleted: boolean }>(
      'SELECT name, deleted_at IS NOT NULL AS deleted FROM flows WHERE id = $1 FOR KEY SHARE',
      [source.flowId],
    );
    const flow = live.rows[0];
    if (flow?.deleted) throw new FlowDeletedError(flow.name, source.flowId);
    const inserted = await client
      .query(
        `INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, input, retry_of_run_id, retry_mode)
         SELECT $1, flow_id, $3, trigger, '${RUN_STATUS.queued}', input, id, $4
           FROM runs WHERE id = $2`,
        [runId, sourceId, version.id, from],
      )
      .catch((error: unknown) => {
        // Deleted by the retention job while this insert waited on its row (foreign key).
        if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) {
          throw new NotFoundError('Run', sourceId);
        }
        throw error;
      });
    // Deleted (with its flow, or by the retention job) since it was read.
    if (inserted.rowCount === 0) throw new NotFoundError('Run', sourceId);
    if (reuse) {
      // The latest succeeded attempt of each node, attributed to the run that executed it, in
      // the source run's order, numbered again from 1 (the new run's steps come after them).
      await client.query(
        `INSERT INTO step_runs (id, run_id, node_id, node_type, attempt, status, input, output, port,
                                started_at, finished_at, duration_ms, reused_from_run_id, seq)
         SELECT gen_random_uuid(), $1, node_id, node_type, attempt, status, input, output, port,
                started_at, finished_at, duration_ms, reused_from_run_id,
                row_number() OVER (ORDER BY seq)::int
           FROM (SELECT DISTINCT ON (node_id)
                        node_id, node_type, attempt, status, input, output, port, started_at,
                        finished_at, duration_ms, COALESCE(reused_from_run_id, run_id) AS reused_from_run_id, seq
                   FROM step_runs
                  WHERE run_id = $2 AND status = '${STEP_STATUS.succeeded}'
                  ORDER BY node_id, attempt DESC) AS reused`,
        [runId, sourceId],
      );
    }
    await client.query(`SELECT ${addRunJobSql('$1::uuid', '$2::uuid')}`, [runId, version.id]);
  });
  processMetrics.runsStarted.inc();
  return { runId };
}
