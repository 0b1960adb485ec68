/** breakers.*: the shared circuit breaker of every upstream target. Logic lives in BreakerService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';
import { upstreamTargetInput } from './upstream-target.ts';

export const breakersRouter = {
  list: publicProcedure.query(({ ctx }) => ctx.breakers.list()),

  get: publicProcedure
    .input(upstreamTargetInput)
    .query(({ ctx, input }) => ctx.breakers.get(input.target)),

  reset: publicProcedure
    .input(upstreamTargetInput)
    .mutation(({ ctx, input }) => ctx.breakers.reset(input.target)),
} satisfies TRPCRouterRecord;
