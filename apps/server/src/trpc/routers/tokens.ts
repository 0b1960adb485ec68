/** tokens.*: API tokens. Everyone manages their own; admins see and revoke everyone's. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { viewerProcedure } from '../trpc.ts';
import { roleField } from './account-fields.ts';

export const tokensRouter = {
  list: viewerProcedure
    .input(z.object({ all: z.boolean().optional() }).optional())
    .query(({ ctx, input }) => ctx.auth.tokens.list(ctx.principal, { all: input?.all === true })),

  /** The secret is in this response only; store it now. */
  create: viewerProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'Give the token a name').max(100, 'The name is too long'),
        role: roleField,
        expiresInDays: z
          .number()
          .int('Expiry must be a whole number of days')
          .min(1, 'Expiry must be at least 1 day')
          .max(3650, 'Expiry must be at most 3650 days')
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { token, view } = await ctx.auth.tokens.create(ctx.principal, input);
      return { token, ...view };
    }),

  revoke: viewerProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => ctx.auth.tokens.revoke(ctx.principal, input.id)),
} satisfies TRPCRouterRecord;
