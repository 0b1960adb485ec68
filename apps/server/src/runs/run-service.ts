/**
 * Starting, cancelling and retrying runs, and reading run history. New runs go through the
 * intake (run-intake.ts): executed at once by this process's worker when it has a free slot,
 * else queued for any worker process (run-queue.ts), as retries are.
 */
import { FlowValidationError } from '@patchbay/engine';
import type pg from 'pg';
import { toJsonText } from '../db/json-column.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import {
  FlowDeletedError,
  FlowNotRunnableError,
  InvalidRequestError,
  NotFoundError,
} from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import type { CachedFlowVersion, FlowVersionCache } from './flow-version-cache.ts';
import type { BulkRunResult } from './run-bulk-actions.ts';
import { type CancelRunResult, cancelRun, cancelRuns } from './run-cancellation.ts';
import {
  DEFAULT_RUN_PREVIEW_LIMITS,
  loadRunDetail,
  type RunPreviewLimits,
} from './run-detail-query.ts';
import { decodeRunCursor, encodeRunCursor, queryRunHistory } from './run-history-query.ts';
import type { RunIntake } from './run-intake.ts';
import { type RetryRunDeps, retryRun, retryRuns } from './run-retry.ts';
import { type RetryMode, RUN_TRIGGER, type RunStatus, type RunTrigger } from './run-status.ts';
import { loadRunValue, type RunValue, type RunValueInput } from './run-values.ts';
import { type RunDetail, type RunSummary, toRunDetail, toRunSummary } from './run-views.ts';
import type { RunWatchHub } from './run-watch.ts';

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
  /** Runs of any of these flows (with flowId: of any of both). */
  flowIds?: string[] | undefined;
  /** One status or several. */
  status?: RunStatus | RunStatus[] | undefined;
  /** Only runs started this way (manual, api, webhook, schedule). */
  trigger?: RunTrigger | undefined;
  /** Created at or after. */
  from?: Date | undefined;
  /** Created before. */
  to?: Date | undefined;
  /** error.code of the run. */
  errorCode?: string | undefined;
  /** error.nodeId of the run: the node that failed. */
  failedNodeId?: string | undefined;
  /** Substring (3+ characters, case-insensitive) of the input (first 4 KB) or error message. */
  search?: string | undefined;
  limit: number;
  cursor?: string | null | undefined;
};
/** `total`: the matching runs, exact when `totalExact`, else the planner's estimate. */
export type RunPage = {
  items: RunSummary[];
  nextCursor: string | null;
  total: number;
  totalExact: boolean;
};

const summaryInclude = {
  flow: { select: { name: true, deletedAt: true } },
  flowVersion: { select: { number: true } },
} as const;

export type RunServiceDeps = {
  prisma: PrismaClient;
  /** Raw pool for the statements that must be one transaction (insert + enqueue). */
  pool: pg.Pool;
  versions: FlowVersionCache;
  /** Admits and records new runs (group commit, inline execution, load shedding). */
  intake: RunIntake;
  /** Preview size and per-run budget of runs.get (default DEFAULT_RUN_PREVIEW_LIMITS). */
  previews?: RunPreviewLimits | undefined;
  /** Streams runs.watch's snapshots (run-watch.ts). */
  watcher: RunWatchHub;
};

export class RunService {
  private readonly previews: RunPreviewLimits;

  constructor(private readonly deps: RunServiceDeps) {
    this.previews = deps.previews ?? DEFAULT_RUN_PREVIEW_LIMITS;
  }

  /**
   * Starts a run of the flow's latest version: executed at once in this process when a slot is
   * free, else queued (run-intake.ts); refused with OverloadedError when the queue is past its
   * limits. Either way the run is recorded before this resolves.
   */
  async start(input: StartRunInput): Promise<StartRunResult> {
    if (!isUuid(input.flowId)) throw new NotFoundError('Flow', input.flowId);
    const inputText = input.input === undefined ? null : toJsonText(input.input);
    const inputBytes = inputText === null ? 0 : Buffer.byteLength(inputText, 'utf8');
    if (inputBytes > MAX_RUN_INPUT_BYTES) {
      throw new InvalidRequestError(
        'INPUT_TOO_LARGE',
        `The run input is too large (${inputBytes} bytes); the limit is ${MAX_RUN_INPUT_BYTES} bytes.`,
      );
    }
    return this.deps.intake.start({
      flowId: input.flowId,
      input: input.input,
      inputText,
      trigger: input.trigger ?? RUN_TRIGGER.manual,
      idempotencyKey: input.idempotencyKey,
    });
  }

  /**
   * Cancels a run. A queued or suspended run is cancelled at once; a run executing on a worker is
   * asked to stop (the worker records the cancellation within moments).
   */
  cancel(id: string): Promise<CancelRunResult> {
    return cancelRun(this.deps.pool, id);
  }

  /** Cancels each run it can; a finished or missing run is refused, naming it (cancelRuns). */
  cancelMany(
    ids: readonly string[],
  ): Promise<BulkRunResult<{ status: CancelRunResult['status'] }>[]> {
    return cancelRuns(this.deps.pool, ids);
  }

  /**
   * Starts a new run that retries a failed or cancelled one, with the same input: from the failed
   * step on the same flow version (earlier steps' outputs are reused, not executed again), or
   * from the start on the flow's latest version.
   */
  retry(id: string, from: RetryMode): Promise<{ runId: string }> {
    return retryRun(this.retryDeps(), id, from);
  }

  /** Retries each run it can, as retry does; a run that cannot be is refused, naming it. */
  retryMany(ids: readonly string[], from: RetryMode): Promise<BulkRunResult[]> {
    return retryRuns(this.retryDeps(), ids, from);
  }

  private retryDeps(): RetryRunDeps {
    return {
      pool: this.deps.pool,
      prisma: this.deps.prisma,
      runnableVersion: async (flowId, versionId) => {
        if (versionId === undefined) return this.latestRunnableVersion(flowId);
        await this.assertNotDeleted(flowId);
        return this.runnableVersion(flowId, versionId);
      },
    };
  }

  /**
   * Newest first (created_at DESC, id DESC), filtered. The cursor is opaque to clients: it
   * encodes the last row's (createdAt, id). `total` is estimated unless `totalExact`.
   */
  async list(input: ListRunsInput): Promise<RunPage> {
    const after = input.cursor ? decodeRunCursor(input.cursor) : undefined;
    const flowIds =
      input.flowIds !== undefined || input.flowId !== undefined
        ? [...(input.flowIds ?? []), ...(input.flowId === undefined ? [] : [input.flowId])]
        : undefined;
    const statuses =
      input.status === undefined
        ? undefined
        : Array.isArray(input.status)
          ? input.status
          : [input.status as RunStatus];
    const page = await queryRunHistory(
      this.deps.pool,
      {
        flowIds,
        statuses,
        trigger: input.trigger,
        from: input.from,
        to: input.to,
        errorCode: input.errorCode,
        failedNodeId: input.failedNodeId,
        search: input.search,
      },
      input.limit,
      after,
    );
    const rows = await this.deps.prisma.run.findMany({
      where: { id: { in: page.ids } },
      include: summaryInclude,
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return {
      items: page.ids.flatMap((id) => {
        const row = byId.get(id);
        return row ? [toRunSummary(row)] : [];
      }),
      nextCursor: page.next ? encodeRunCursor(page.next) : null,
      total: page.total,
      totalExact: page.totalExact,
    };
  }

  /** The run with its steps; large values as previews within the run's budget (see limits). */
  async get(id: string): Promise<RunDetail> {
    const found = isUuid(id) ? await loadRunDetail(this.deps.pool, id, this.previews) : undefined;
    if (!found) throw new NotFoundError('Run', id);
    return toRunDetail(found.run, found.steps);
  }

  /** runs.get's detail at once, then on every change until the run finishes (run-watch.ts). */
  watch(id: string, signal: AbortSignal): Promise<AsyncGenerator<RunDetail>> {
    return this.deps.watcher.watch(id, signal);
  }

  /** Open runs.watch streams of this process. */
  get watchers(): number {
    return this.deps.watcher.subscriberCount;
  }

  /** Ends every runs.watch stream of this process (shutdown). */
  stopWatching(): void {
    this.deps.watcher.stop();
  }

  /** One whole value of a run, as JSON text: its input, or a step's input or output. */
  value(input: RunValueInput): Promise<RunValue> {
    return loadRunValue(this.deps.pool, input);
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
