/** breakers.*: the shared circuit breaker of every upstream target. Logic lives in BreakerService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure, viewerProcedure } from '../trpc.ts';
import { upstreamTargetInput } from './upstream-target.ts';

export const breakersRouter = {
  list: viewerProcedure.query(({ ctx }) => ctx.breakers.list()),

  get: viewerProcedure
    .input(upstreamTargetInput)
    .query(({ ctx, input }) => ctx.breakers.get(input.target)),

  reset: adminProcedure
    .input(upstreamTargetInput)
    .mutation(({ ctx, input }) => ctx.breakers.reset(input.target)),
} satisfies TRPCRouterRecord;
