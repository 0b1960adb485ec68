/** limits.*: the shared rate limit of every upstream target. Logic lives in RateLimitService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { viewerProcedure } from '../trpc.ts';
import { upstreamTargetInput } from './upstream-target.ts';

export const limitsRouter = {
  list: viewerProcedure.query(({ ctx }) => ctx.limits.list()),

  get: viewerProcedure
    .input(upstreamTargetInput)
    .query(({ ctx, input }) => ctx.limits.get(input.target)),
} satisfies TRPCRouterRecord;
