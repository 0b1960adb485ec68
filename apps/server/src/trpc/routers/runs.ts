/** runs.*: run history. Logic lives in RunService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { RUN_STATUSES } from '../../runs/run-status.ts';
import { publicProcedure } from '../trpc.ts';

export const runsRouter = {
  list: publicProcedure
    .input(
      z
        .object({
          flowId: z.string().min(1).max(100).optional(),
          status: z.enum(RUN_STATUSES).optional(),
          limit: z.number().int().min(1).max(100).default(20),
          cursor: z.string().max(500).nullish(),
        })
        .prefault({}),
    )
    .query(({ ctx, input }) => ctx.runs.list(input)),

  get: publicProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => ctx.runs.get(input.id)),
} satisfies TRPCRouterRecord;
