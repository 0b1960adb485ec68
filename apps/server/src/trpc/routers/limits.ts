/** limits.*: the shared rate limit of every upstream target. Logic lives in RateLimitService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';
import { upstreamTargetInput } from './upstream-target.ts';

export const limitsRouter = {
  list: publicProcedure.query(({ ctx }) => ctx.limits.list()),

  get: publicProcedure
    .input(upstreamTargetInput)
    .query(({ ctx, input }) => ctx.limits.get(input.target)),
} satisfies TRPCRouterRecord;
