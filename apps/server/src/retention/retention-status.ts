/** `system.retention`: the retention settings in force and the latest pruning passes. */
import type { PrismaClient } from '../db/prisma-client.ts';
import type { RetentionConfig } from './retention-config.ts';

export type PruningPassView = {
  id: string;
  startedAt: string;
  /** null while the pass is still going. */
  finishedAt: string | null;
  runsDeleted: number;
  runsOverFlowLimitDeleted: number;
  runsStepDataPruned: number;
  /** The pass stopped on an error (the message is in the worker's log and pruning_log). */
  failed: boolean;
};

export type RetentionStatus = {
  settings: {
    /** 0: finished runs are kept forever. */
    runRetentionDays: number;
    /** null: step data is kept as long as its run. */
    stepDataRetentionDays: number | null;
    intervalMs: number;
  };
  /** Newest first. */
  passes: PruningPassView[];
};

export const RETENTION_PASSES_SHOWN = 10;

export async function retentionStatus(
  prisma: PrismaClient,
  config: RetentionConfig,
): Promise<RetentionStatus> {
  const rows = await prisma.pruningLog.findMany({
    orderBy: { startedAt: 'desc' },
    take: RETENTION_PASSES_SHOWN,
  });
  return {
    settings: {
      runRetentionDays: config.runRetentionDays,
      stepDataRetentionDays: config.stepDataRetentionDays ?? null,
      intervalMs: config.intervalMs,
    },
    passes: rows.map((row) => ({
      id: row.id.toString(),
      startedAt: row.startedAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
      runsDeleted: row.runsDeleted,
      runsOverFlowLimitDeleted: row.runsOverFlowLimitDeleted,
      runsStepDataPruned: row.runsStepDataPruned,
      failed: row.error !== null,
    })),
  };
}
