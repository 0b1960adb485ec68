/** users.*: admins list, create, invite, change and deactivate users. Logic lives in UserService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc.ts';
import { emailField, nameField, passwordField, roleField } from './account-fields.ts';

const id = z.string().min(1).max(100);

export const usersRouter = {
  list: adminProcedure.query(({ ctx }) => ctx.auth.users.list()),

  create: adminProcedure
    .input(
      z.object({
        email: emailField,
        name: nameField.optional(),
        role: roleField,
        password: passwordField,
      }),
    )
    .mutation(({ ctx, input }) => ctx.auth.users.create(ctx.principal, input)),

  /** A user without a password and a one-time link (shown once) to choose one. */
  invite: adminProcedure
    .input(z.object({ email: emailField, name: nameField.optional(), role: roleField }))
    .mutation(async ({ ctx, input }) => {
      const { user, token } = await ctx.auth.users.invite(ctx.principal, input);
      return { user, invitePath: `/invite?token=${encodeURIComponent(token)}` };
    }),

  /** Changes name, role or whether the user may sign in (active). */
  update: adminProcedure
    .input(
      z.object({
        id,
        name: nameField.nullable().optional(),
        role: roleField.optional(),
        active: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.auth.users.update(ctx.principal, input)),
} satisfies TRPCRouterRecord;
