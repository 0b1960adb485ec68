/** audit.*: the audit log of every mutation and sign-in, newest first. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc.ts';

export const auditRouter = {
  list: adminProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).nullish(),
          actorId: z.string().max(100).optional(),
          action: z.string().max(100).optional(),
          targetId: z.string().max(300).optional(),
        })
        .prefault({}),
    )
    .query(({ ctx, input }) => ctx.auth.audit.list(input)),
} satisfies TRPCRouterRecord;
