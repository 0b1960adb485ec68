/**
 * flows.*: CRUD, validation, import/export, starting runs, and deleting (archiving) and purging.
 * Logic lives in FlowService.
 */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { EXPRESSION_KINDS } from '../../flows/expression-preview-plan.ts';
import { MAX_VERSION_PAGE } from '../../flows/flow-versions.ts';
import { CALLER_RUN_TRIGGERS } from '../../runs/run-status.ts';
import { adminProcedure, editorProcedure, viewerProcedure } from '../trpc.ts';

const id = z.string().min(1, 'is required').max(100);
const name = z.string().trim().min(1, 'Give the flow a name').max(200);
const description = z.string().max(2000);
const versionNumber = z.number().int().min(1, 'Version numbers start at 1');

export const flowsRouter = {
  /** Flows not deleted; with `deleted: true`, only deleted ones (their history is kept). */
  list: viewerProcedure
    .input(
      z
        .object({ search: z.string().max(200).optional(), deleted: z.boolean().optional() })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.flows.list(input)),

  get: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => ctx.flows.get(input.id)),

  create: editorProcedure
    .input(
      z.object({ name, description: description.optional(), document: z.unknown().optional() }),
    )
    .mutation(({ ctx, input }) => ctx.flows.create(input, ctx.principal.userId)),

  update: editorProcedure
    .input(
      z.object({
        id,
        name: name.optional(),
        description: description.nullable().optional(),
        document: z.unknown().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.flows.update(input, ctx.principal.userId)),

  /**
   * Switches the flow on (its webhook is served, its schedule ticks) or off; returns its summary.
   * New and imported flows start off. Manual runs work either way.
   */
  setActive: editorProcedure
    .input(z.object({ id, active: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.flows.setActive(input)),

  /** Archives the flow: its queued and running runs are cancelled, its run history kept. */
  delete: editorProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => ctx.flows.delete(input.id)),

  /** Removes a deleted flow with its versions, runs and steps. */
  purge: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => ctx.flows.purge(input.id)),

  /** A mutation rather than a query: documents are too large for a GET URL. */
  validate: viewerProcedure
    // Problems in the document (nesting, NUL characters, surrogates) come back as issues.
    .meta({ audit: false, uncheckedInput: ['document'] })
    .input(z.object({ document: z.unknown() }))
    .mutation(({ ctx, input }) => ctx.flows.validate(input.document)),

  import: editorProcedure
    .input(z.object({ document: z.unknown() }))
    .mutation(({ ctx, input }) => ctx.flows.import(input.document, ctx.principal.userId)),

  /** The flow's saved versions, newest first, with who saved each; keyset pages by number. */
  versions: viewerProcedure
    .input(
      z.object({
        id,
        limit: z.number().int().min(1).max(MAX_VERSION_PAGE).optional(),
        cursor: versionNumber.optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.flowVersions.list(input)),

  /** One saved version: its document, who saved it and when. */
  version: viewerProcedure
    .input(z.object({ id, number: versionNumber }))
    .query(({ ctx, input }) => ctx.flowVersions.get(input.id, input.number)),

  /** Saves an earlier version's document as the newest version, checked as any save is. */
  restoreVersion: editorProcedure
    .input(z.object({ id, number: versionNumber }))
    .mutation(({ ctx, input }) =>
      ctx.flowVersions.restore(input.id, input.number, ctx.principal.userId),
    ),

  export: viewerProcedure
    .input(z.object({ id }))
    .query(({ ctx, input }) => ctx.flows.export(input.id)),

  /**
   * Executes one node alone, as a run would, with upstream data given (`input`: `$trigger` and
   * `$nodes` outputs by node id) or taken from an earlier run (`runId`), on the editor's unsaved
   * `document` or the saved draft. Recorded as a step test, never as a run.
   */
  testStep: editorProcedure
    // Recorded in step_tests with its user, so not in the audit log as well.
    .meta({ audit: false })
    .input(
      z.object({
        flowId: id,
        nodeId: z.string().min(1, 'is required').max(64),
        document: z.unknown().optional(),
        input: z
          .object({
            trigger: z.unknown().optional(),
            nodes: z.record(z.string().max(64), z.unknown()).optional(),
          })
          .strict()
          .optional(),
        runId: id.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.stepTests.test(input, ctx.principal?.userId ?? null)),

  /**
   * Evaluates an expression (a JSONata field, or a `{{ }}` template) as the node would in a run,
   * with the upstream data of run `runId` (else only pinned outputs) and the node's exact input,
   * in the sandbox under the normal limits. For the editor's live preview; changes nothing.
   */
  previewExpression: editorProcedure
    .meta({ audit: false })
    .input(
      z.object({
        flowId: id,
        nodeId: z.string().min(1, 'is required').max(64),
        expression: z
          .string()
          .max(100_000, 'The expression is too long to preview (100 000 characters at most)'),
        kind: z.enum(EXPRESSION_KINDS),
        field: z.string().min(1).max(200).optional(),
        runId: id.optional(),
        document: z.unknown().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.stepTests.previewExpression(input)),

  /** The flow's recent step tests (newest first), of one node when `nodeId` is given. */
  stepTests: viewerProcedure
    .input(
      z.object({
        flowId: id,
        nodeId: z.string().min(1).max(64).optional(),
        limit: z.number().int().min(1).max(100).default(20),
      }),
    )
    .query(({ ctx, input }) => ctx.stepTests.list(input)),

  /** Queues a run; with an idempotencyKey already used for this flow, returns that run instead. */
  run: editorProcedure
    .input(
      z.object({
        id,
        input: z.unknown().optional(),
        trigger: z.enum(CALLER_RUN_TRIGGERS).optional(),
        idempotencyKey: z
          .string()
          .min(1, 'Idempotency key must not be empty')
          .max(200, 'Idempotency key must be at most 200 characters')
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.runs.start({
        flowId: input.id,
        input: input.input,
        trigger: input.trigger,
        idempotencyKey: input.idempotencyKey,
      }),
    ),
} satisfies TRPCRouterRecord;
