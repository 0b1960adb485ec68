/**
 * system.*: how the server is doing, for the banner that tells users when load is being shed, and
 * how long run history is kept (the Runs page's retention note).
 */
import type { TRPCRouterRecord } from '@trpc/server';
import { loadStatus } from '../../runs/load-status.ts';
import { viewerProcedure } from '../trpc.ts';

export const systemRouter = {
  /** Whether new runs are being refused because the queue is past its limits, and the queue. */
  status: viewerProcedure.query(({ ctx }) => loadStatus(ctx.queueLoad, ctx.shedLimits)),
  /** The retention settings in force and the latest pruning passes (what was pruned, when). */
  retention: viewerProcedure.query(({ ctx }) => ctx.retention.status()),
} satisfies TRPCRouterRecord;
