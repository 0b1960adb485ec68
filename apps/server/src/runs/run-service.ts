/**
 * Starting, cancelling and retrying runs, and reading run history. Execution happens in worker
 * processes, which take runs from the job queue that start and retry write to (run-queue.ts).
 */
import { randomUUID } from 'node:crypto';
import { FlowValidationError } from '@patchbay/engine';
import type pg from 'pg';
import { jsonByteLength, toJsonText } from '../db/json-column.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import {
  ConflictError,
  FlowDeletedError,
  FlowNotRunnableError,
  InvalidRequestError,
  NotFoundError,
} from '../domain-errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../uuid.ts';
import type { CachedFlowVersion, FlowVersionCache } from './flow-version-cache.ts';
import { type CancelRunResult, cancelRun } from './run-cancellation.ts';
import {
  DEFAULT_RUN_PREVIEW_LIMITS,
  loadRunDetail,
  type RunPreviewLimits,
} from './run-detail-query.ts';
import { addRunJobSql } from './run-queue.ts';
import { retryRun } from './run-retry.ts';
import {
  type RetryMode,
  RUN_STATUS,
  RUN_TRIGGER,
  type RunStatus,
  type RunTrigger,
} from './run-status.ts';
import { loadRunValue, type RunValue, type RunValueInput } from './run-values.ts';
import { type RunDetail, type RunSummary, toRunDetail, toRunSummary } from './run-views.ts';

/** Largest trigger input accepted for a run, as serialised JSON. */
export const MAX_RUN_INPUT_BYTES = 1024 * 1024;

export type StartRunInput = {
  flowId: string;
  input?: unknown;
  trigger?: RunTrigger | undefined;
  /** A second start of the same flow with the same key returns the first run. */
  idempotencyKey?: string | undefined;
};
export type StartRunResult = { runId: string; deduplicated: boolean };
export type ListRunsInput = {
  flowId?: string | undefined;
  status?: RunStatus | undefined;
  limit: number;
  cursor?: string | null | undefined;
};
export type RunPage = { items: RunSummary[]; nextCursor: string | null };

const summaryInclude = {
  flow: { select: { name: true, deletedAt: true } },
  flowVersion: { select: { number: true } },
} as const;

/**
 * Inserts the run and adds its job in one statement: both happen or neither does. With a key
 * already used for the flow, or a flow deleted meanwhile, nothing is inserted and nothing
 * enqueued (no row comes back). The flow's key-share lock (which the foreign key check takes
 * anyway) waits for a delete in progress and then sees the flow deleted, so no run starts after
 * a delete has cancelled the flow's runs.
 */
const INSERT_AND_ENQUEUE = `
WITH live AS (
  SELECT id FROM flows WHERE id = $2 AND deleted_at IS NULL FOR KEY SHARE
), inserted AS (
  INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, input, idempotency_key)
  SELECT $1, live.id, $3, $4, '${RUN_STATUS.queued}', $5::jsonb, $6 FROM live
  ON CONFLICT (flow_id, idempotency_key) DO NOTHING
  RETURNING id, flow_version_id
)
SELECT inserted.id, (${addRunJobSql('inserted.id', 'inserted.flow_version_id')}).id AS job_id
  FROM inserted`;

const FOREIGN_KEY_VIOLATION = '23503';

export type RunServiceDeps = {
  prisma: PrismaClient;
  /** Raw pool for the statements that must be one transaction (insert + enqueue). */
  pool: pg.Pool;
  versions: FlowVersionCache;
  /** Preview size and per-run budget of runs.get (default DEFAULT_RUN_PREVIEW_LIMITS). */
  previews?: RunPreviewLimits | undefined;
};

export class RunService {
  private readonly previews: RunPreviewLimits;

  constructor(private readonly deps: RunServiceDeps) {
    this.previews = deps.previews ?? DEFAULT_RUN_PREVIEW_LIMITS;
  }

  /** Queues a run of the flow's latest version: the run row and its job, atomically. */
  async start(input: StartRunInput): Promise<StartRunResult> {
    if (!isUuid(input.flowId)) throw new NotFoundError('Flow', input.flowId);
    const key = input.idempotencyKey;
    if (key !== undefined) {
      const existing = await this.findByIdempotencyKey(input.flowId, key);
      if (existing) return { runId: existing, deduplicated: true };
    }
    const version = await this.latestRunnableVersion(input.flowId);

    const inputBytes = jsonByteLength(input.input);
    if (inputBytes > MAX_RUN_INPUT_BYTES) {
      throw new InvalidRequestError(
        'INPUT_TOO_LARGE',
        `The run input is too large (${inputBytes} bytes); the limit is ${MAX_RUN_INPUT_BYTES} bytes.`,
      );
    }

    const { rows } = await this.deps.pool
      .query<{ id: string }>({
        // Named: parsed and planned once per connection.
        name: 'patchbay_start_run',
        text: INSERT_AND_ENQUEUE,
        values: [
          randomUUID(),
          input.flowId,
          version.id,
          input.trigger ?? RUN_TRIGGER.manual,
          input.input === undefined ? null : toJsonText(input.input),
          key ?? null,
        ],
      })
      .catch((error: unknown) => {
        // The flow was deleted since its version was read.
        if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) {
          throw new NotFoundError('Flow', input.flowId);
        }
        throw error;
      });
    const inserted = rows[0];
    if (inserted) return { runId: inserted.id, deduplicated: false };
    await this.assertNotDeleted(input.flowId);
    // Lost a race with a concurrent start using the same key: that run is the one.
    const existing =
      key === undefined ? undefined : await this.findByIdempotencyKey(input.flowId, key);
    if (!existing) {
      throw new ConflictError(
        'CONFLICT',
        'The run could not be recorded because of a concurrent change. Try again.',
      );
    }
    return { runId: existing, deduplicated: true };
  }

  /**
   * Cancels a run. A queued or suspended run is cancelled at once; a run executing on a worker is
   * asked to stop (the worker records the cancellation within moments).
   */
  cancel(id: string): Promise<CancelRunResult> {
    return cancelRun(this.deps.pool, id);
  }

  /**
   * Starts a new run that retries a failed or cancelled one, with the same input: from the failed
   * step on the same flow version (earlier steps' outputs are reused, not executed again), or
   * from the start on the flow's latest version.
   */
  async retry(id: string, from: RetryMode): Promise<{ runId: string }> {
    return retryRun(
      {
        pool: this.deps.pool,
        prisma: this.deps.prisma,
        runnableVersion: async (flowId, versionId) => {
          if (versionId === undefined) return this.latestRunnableVersion(flowId);
          await this.assertNotDeleted(flowId);
          return this.runnableVersion(flowId, versionId);
        },
      },
      id,
      from,
    );
  }

  /** Newest first. The cursor is opaque to clients: it encodes the last row's (createdAt, id). */
  async list(input: ListRunsInput): Promise<RunPage> {
    if (input.flowId !== undefined && !isUuid(input.flowId)) {
      return { items: [], nextCursor: null };
    }
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const where: Prisma.RunWhereInput = {
      ...(input.flowId === undefined ? {} : { flowId: input.flowId }),
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { gt: after.id } },
            ],
          }
        : {}),
    };
    // (createdAt desc, id asc) matches the (flow_id, created_at DESC, id) index exactly.
    const rows = await this.deps.prisma.run.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: input.limit + 1,
      include: summaryInclude,
    });
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      items: page.map(toRunSummary),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
    };
  }

  /** The run with its steps; large values as previews within the run's budget (see limits). */
  async get(id: string): Promise<RunDetail> {
    const found = isUuid(id) ? await loadRunDetail(this.deps.pool, id, this.previews) : undefined;
    if (!found) throw new NotFoundError('Run', id);
    return toRunDetail(found.run, found.steps);
  }

  /** One whole value of a run, as JSON text: its input, or a step's input or output. */
  value(input: RunValueInput): Promise<RunValue> {
    return loadRunValue(this.deps.pool, input);
  }

  private async findByIdempotencyKey(flowId: string, key: string): Promise<string | undefined> {
    const run = await this.deps.prisma.run.findUnique({
      where: { flowId_idempotencyKey: { flowId, idempotencyKey: key } },
      select: { id: true },
    });
    return run?.id;
  }

  /** The flow's latest version, validated again: node types can change between saving and running. */
  private async latestRunnableVersion(flowId: string): Promise<CachedFlowVersion> {
    const flow = isUuid(flowId)
      ? await this.deps.prisma.flow.findUnique({
          where: { id: flowId },
          select: {
            name: true,
            deletedAt: true,
            versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true } },
          },
        })
      : null;
    if (!flow) throw new NotFoundError('Flow', flowId);
    if (flow.deletedAt) throw new FlowDeletedError(flow.name, flowId);
    const version = flow.versions[0];
    if (!version) {
      throw await this.notRunnable(flowId, [
        { code: 'document.invalid', message: 'the flow has no saved version', path: [] },
      ]);
    }
    return this.runnableVersion(flowId, version.id);
  }

  private async assertNotDeleted(flowId: string): Promise<void> {
    const flow = await this.deps.prisma.flow.findUnique({
      where: { id: flowId },
      select: { name: true, deletedAt: true },
    });
    if (!flow) throw new NotFoundError('Flow', flowId);
    if (flow.deletedAt) throw new FlowDeletedError(flow.name, flowId);
  }

  private async runnableVersion(flowId: string, versionId: string): Promise<CachedFlowVersion> {
    let version: CachedFlowVersion | undefined;
    try {
      version = await this.deps.versions.get(versionId);
    } catch (error) {
      if (error instanceof FlowValidationError) throw await this.notRunnable(flowId, error.issues);
      throw error;
    }
    if (!version) throw new NotFoundError('Flow', flowId);
    return version;
  }

  private async notRunnable(
    flowId: string,
    issues: FlowValidationError['issues'],
  ): Promise<FlowNotRunnableError> {
    const flow = await this.deps.prisma.flow.findUnique({
      where: { id: flowId },
      select: { name: true },
    });
    return new FlowNotRunnableError(new FlowValidationError(flow?.name ?? flowId, issues));
  }
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [timestamp, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(timestamp ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidRequestError(
      'INVALID_CURSOR',
      'The pagination cursor is not valid. Start again from the first page.',
    );
  }
  return { createdAt, id };
}
