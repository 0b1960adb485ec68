/**
 * auth.*: first-start setup and invitations (public: nobody is signed in yet), who is signed in,
 * and changing one's own password. Signing in and out are plain HTTP (POST /auth/login and
 * /auth/logout), since they set and clear the session cookie.
 */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, viewerProcedure } from '../trpc.ts';
import { emailField, nameField, oneTimeTokenField, passwordField } from './account-fields.ts';

export const authRouter = {
  /** Whether Patchbay still needs its first owner (the setup page is then open). */
  setupStatus: publicProcedure.query(async ({ ctx }) => ({
    setupRequired: await ctx.auth.setup.setupRequired(),
  })),

  /** Creates the first owner with the one-time link printed at start; then sign in. */
  setup: publicProcedure
    .input(
      z.object({
        token: oneTimeTokenField,
        email: emailField,
        password: passwordField,
        name: nameField.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const owner = await ctx.auth.setup.complete(input.token, input);
      ctx.auth.audit.record({
        actor: { kind: 'anonymous', label: owner.email },
        action: 'auth.setup',
        target: { type: 'users', id: owner.email },
        outcome: 'ok',
        origin: ctx.origin,
      });
      return owner;
    }),

  /** Who an invitation link is for (the invitation page shows it). */
  invitation: publicProcedure
    .input(z.object({ token: oneTimeTokenField }))
    .query(({ ctx, input }) => ctx.auth.users.invitation(input.token)),

  /** Sets the invited user's password with the link; then sign in. */
  acceptInvite: publicProcedure
    .input(
      z.object({ token: oneTimeTokenField, password: passwordField, name: nameField.optional() }),
    )
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.auth.users.acceptInvite(input.token, input);
      ctx.auth.audit.record({
        actor: { kind: 'anonymous', label: user.email },
        action: 'auth.acceptInvite',
        target: { type: 'users', id: user.email },
        outcome: 'ok',
        origin: ctx.origin,
      });
      return user;
    }),

  /** The signed-in user (or token) and the role the request acts with. */
  me: viewerProcedure.query(({ ctx }) => ({
    userId: ctx.principal.userId,
    email: ctx.principal.email,
    name: ctx.principal.name,
    role: ctx.principal.role,
    via: ctx.principal.kind,
  })),

  /** Changes one's own password; one's other sessions end. */
  changePassword: viewerProcedure
    .input(z.object({ currentPassword: passwordField, newPassword: passwordField }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.users.changeOwnPassword(
        ctx.principal,
        input.currentPassword,
        input.newPassword,
      );
      return { changed: true };
    }),
} satisfies TRPCRouterRecord;
