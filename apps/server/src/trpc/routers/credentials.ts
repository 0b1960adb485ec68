/**
 * credentials.*: the vault. Viewers see the list (metadata only: the page is read-only for
 * them); editors use credentials (get, test, and pick them in flows); admins and the owner
 * manage them (create, update, delete). Nothing returned carries a secret value: lists say which
 * secret fields are set, never what they hold.
 */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, editorProcedure, viewerProcedure } from '../trpc.ts';

const idField = z.string().trim().min(1, 'Give the credential id').max(100);
const nameField = z
  .string()
  .trim()
  .min(1, 'Give the credential a name')
  .max(100, 'The name is too long (100 characters at most)');
/** Values by field name; the credential type's schema checks them (errors name the field). */
const dataField = z.record(z.string().max(100), z.unknown());

export const credentialsRouter = {
  /** Each type's JSON Schema, with `secretFields` and `x-ui.secret` on the secret properties. */
  types: viewerProcedure.query(({ ctx }) => ctx.credentials.types()),

  list: viewerProcedure.query(({ ctx }) => ctx.credentials.list()),

  get: editorProcedure
    .input(z.object({ id: idField }))
    .query(({ ctx, input }) => ctx.credentials.get(input.id)),

  create: adminProcedure
    .input(
      z.object({
        name: nameField,
        type: z.string().trim().min(1, 'Choose a credential type').max(100),
        data: dataField,
      }),
    )
    .mutation(({ ctx, input }) => ctx.credentials.create(ctx.principal, input)),

  /** A secret field left out of `data` keeps its value. */
  update: adminProcedure
    .input(z.object({ id: idField, name: nameField.optional(), data: dataField.optional() }))
    .mutation(({ ctx, input }) => ctx.credentials.update(input)),

  /** Refused (CONFLICT, naming the flows) while flows use the credential. */
  delete: adminProcedure
    .input(z.object({ id: idField }))
    .mutation(({ ctx, input }) => ctx.credentials.delete(input.id)),

  /** A real test connection: `{ ok, message }`. Changes nothing, so it is not audited. */
  test: editorProcedure
    .meta({ audit: false })
    .input(z.object({ id: idField }))
    .mutation(({ ctx, input }) => ctx.credentials.test(input.id)),
} satisfies TRPCRouterRecord;
