/**
 * Persists the engine's step events as StepRun rows as they happen. Writes are upserts keyed by
 * (run, node, attempt), so a missed or repeated event (a resumed run) still leaves one true row.
 */
import type { StepEvent } from '@patchbay/engine';
import { toJsonColumn } from '../db/json-column.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { STEP_STATUS } from './run-status.ts';

/** Skipped nodes were never attempted; they are recorded as attempt 0. */
export const SKIPPED_ATTEMPT = 0;

export class StepRecorder {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly runId: string,
  ) {}

  async record(event: StepEvent): Promise<void> {
    const base = { runId: this.runId, nodeId: event.nodeId, nodeType: event.nodeType };
    switch (event.type) {
      case 'step.started': {
        const data = {
          status: STEP_STATUS.running,
          input: toJsonColumn(event.input),
          startedAt: event.at,
          output: Prisma.DbNull,
          port: null,
          error: Prisma.DbNull,
          finishedAt: null,
          durationMs: null,
        };
        await this.upsert({ ...base, attempt: event.attempt }, data);
        return;
      }
      case 'step.succeeded': {
        await this.upsert(
          { ...base, attempt: event.attempt },
          {
            status: STEP_STATUS.succeeded,
            input: toJsonColumn(event.input),
            output: toJsonColumn(event.output),
            port: event.port,
            error: Prisma.DbNull,
            startedAt: event.startedAt,
            finishedAt: event.at,
            durationMs: Math.round(event.durationMs),
          },
        );
        return;
      }
      case 'step.failed': {
        await this.upsert(
          { ...base, attempt: event.attempt },
          {
            status: STEP_STATUS.failed,
            input: toJsonColumn(event.input),
            output: Prisma.DbNull,
            error: toJsonColumn(event.error),
            startedAt: event.startedAt,
            finishedAt: event.at,
            durationMs: Math.round(event.durationMs),
          },
        );
        return;
      }
      case 'step.waiting': {
        await this.upsert(
          { ...base, attempt: event.attempt },
          { status: STEP_STATUS.waiting, startedAt: null, finishedAt: null },
        );
        return;
      }
      case 'step.skipped': {
        await this.upsert(
          { ...base, attempt: SKIPPED_ATTEMPT },
          { status: STEP_STATUS.skipped, skipReason: event.reason, finishedAt: event.at },
        );
        return;
      }
      default: {
        const unexpected: never = event;
        throw new Error(`Unknown step event ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private async upsert(
    key: { runId: string; nodeId: string; nodeType: string; attempt: number },
    data: Omit<Prisma.StepRunUncheckedCreateInput, 'runId' | 'nodeId' | 'nodeType' | 'attempt'>,
  ): Promise<void> {
    await this.prisma.stepRun.upsert({
      where: {
        runId_nodeId_attempt: { runId: key.runId, nodeId: key.nodeId, attempt: key.attempt },
      },
      create: { ...key, ...data },
      update: { nodeType: key.nodeType, ...data },
      select: { id: true },
    });
  }
}
