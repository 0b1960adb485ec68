/**
 * Executes one queued run: claims it, loads the flow version it pinned, runs the engine while
 * persisting each step event, and records the outcome. Whatever goes wrong ends up on the run
 * row as an error; nothing escapes to crash the process.
 */
import {
  assertValidFlow,
  type Clock,
  executeFlow,
  type NodeTypeRegistry,
  type SerializedError,
  systemClock,
} from '@patchbay/engine';
import type { Logger } from 'pino';
import { toJsonColumn } from '../db/json-column.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { RunExecutorPort } from './run-dispatcher.ts';
import { RUN_STATUS, type RunStatus } from './run-status.ts';
import { serializeError } from './serialize-error.ts';
import { StepRecorder } from './step-recorder.ts';

export type RunExecutorDeps = {
  prisma: PrismaClient;
  registry: NodeTypeRegistry;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  clock?: Clock;
  /** Passed to connector nodes; defaults to the global fetch. */
  fetch?: typeof fetch;
};

export class RunExecutor implements RunExecutorPort {
  private readonly clock: Clock;

  constructor(private readonly deps: RunExecutorDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  async execute(runId: string, signal: AbortSignal): Promise<void> {
    const { prisma, logger } = this.deps;
    const startedAt = this.clock.now();
    // Claiming with a conditional update means a run executes at most once, even if dispatched twice.
    const claimed = await prisma.run.updateMany({
      where: { id: runId, status: RUN_STATUS.queued },
      data: { status: RUN_STATUS.running, startedAt },
    });
    if (claimed.count === 0) {
      logger.warn({ runId }, 'Run is not queued (already started, finished or deleted); skipping');
      return;
    }

    let status: RunStatus;
    let error: SerializedError | null = null;
    try {
      const run = await prisma.run.findUniqueOrThrow({
        where: { id: runId },
        select: { input: true, flowVersion: { select: { document: true } } },
      });
      const flow = assertValidFlow(run.flowVersion.document, this.deps.registry);
      const recorder = new StepRecorder(prisma, runId);
      const outcome = await executeFlow({
        flow,
        runId,
        triggerInput: run.input ?? undefined,
        onEvent: (event) => recorder.record(event),
        clock: this.clock,
        signal,
        ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
      });
      // Interim until the queue-backed executor reschedules waiting runs.
      status = outcome.status === 'waiting' ? RUN_STATUS.failed : outcome.status;
      if (outcome.error) {
        error = outcome.failedNodeId
          ? { ...outcome.error, nodeId: outcome.error.nodeId ?? outcome.failedNodeId }
          : outcome.error;
      }
    } catch (thrown) {
      logger.error({ err: thrown, runId }, 'Run crashed inside the executor');
      status = RUN_STATUS.failed;
      error = serializeError(thrown);
    }

    await this.finish(runId, startedAt, status, error);
    logger.info({ runId, status }, 'Run finished');
  }

  private async finish(
    runId: string,
    startedAt: Date,
    status: RunStatus,
    error: SerializedError | null,
  ): Promise<void> {
    const finishedAt = this.clock.now();
    try {
      await this.deps.prisma.run.update({
        where: { id: runId },
        data: {
          status,
          finishedAt,
          durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
          error: error ? toJsonColumn(error) : Prisma.DbNull,
        },
        select: { id: true },
      });
    } catch (thrown) {
      if (thrown instanceof Prisma.PrismaClientKnownRequestError && thrown.code === 'P2025') {
        this.deps.logger.info({ runId }, 'Run was deleted (with its flow) while it executed');
        return;
      }
      throw thrown;
    }
  }
}
