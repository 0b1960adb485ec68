/** runs.*: run history, cancelling and retrying. Logic lives in RunService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { MAX_BULK_RUNS } from '../../runs/run-bulk-actions.ts';
import { MAX_SEARCH_LENGTH, MIN_SEARCH_LENGTH } from '../../runs/run-history-query.ts';
import { RETRY_MODES, RUN_STATUSES, RUN_TRIGGERS } from '../../runs/run-status.ts';
import { RUN_VALUE_FIELDS } from '../../runs/run-values.ts';
import { auditEachRun } from '../bulk-audit.ts';
import { editorProcedure, viewerProcedure } from '../trpc.ts';

const id = z.string().min(1).max(100);
const bulkIds = z
  .array(id)
  .min(1, 'Select at least one run')
  .max(MAX_BULK_RUNS, `At most ${MAX_BULK_RUNS} runs at a time`);

export const runsRouter = {
  /**
   * Newest first, filtered; keyset pages (cursor) with a total (estimated unless totalExact).
   * Filters combine with AND; flowIds and a status list match any of their values.
   */
  list: viewerProcedure
    .input(
      z
        .object({
          flowId: z.string().min(1).max(100).optional(),
          flowIds: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
          status: z.union([z.enum(RUN_STATUSES), z.array(z.enum(RUN_STATUSES)).min(1)]).optional(),
          trigger: z.enum(RUN_TRIGGERS).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          errorCode: z.string().trim().min(1).max(100).optional(),
          failedNodeId: z.string().trim().min(1).max(200).optional(),
          search: z
            .string()
            .trim()
            .min(MIN_SEARCH_LENGTH, `search needs at least ${MIN_SEARCH_LENGTH} characters`)
            .max(MAX_SEARCH_LENGTH)
            .optional(),
          limit: z.number().int().min(1).max(100).default(20),
          cursor: z.string().max(500).nullish(),
        })
        .refine(
          (value) => !value.from || !value.to || Date.parse(value.from) < Date.parse(value.to),
          {
            message: 'from must be before to',
            path: ['from'],
          },
        )
        .prefault({}),
    )
    .query(({ ctx, input }) =>
      ctx.runs.list({
        ...input,
        from: input.from === undefined ? undefined : new Date(input.from),
        to: input.to === undefined ? undefined : new Date(input.to),
      }),
    ),

  /** Large values come as previews (TruncatedValue); runs.value downloads one whole. */
  get: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => ctx.runs.get(input.id)),

  /**
   * Server-sent events: the run as runs.get returns it, at once and again whenever it or its steps
   * change (checked every 250 ms); the stream ends after the snapshot in a final status.
   */
  watch: viewerProcedure
    .input(z.object({ id }))
    .subscription(({ ctx, input, signal }) =>
      ctx.runs.watch(input.id, signal ?? new AbortController().signal),
    ),

  /** One whole value as JSON text: the run's input, or a step's input or output. */
  value: viewerProcedure
    .input(z.object({ runId: id, stepId: id.optional(), field: z.enum(RUN_VALUE_FIELDS) }))
    .query(({ ctx, input }) => ctx.runs.value(input)),

  /** Queued or suspended: cancelled at once. Executing: the worker stops it ('cancelling'). */
  cancel: editorProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => ctx.runs.cancel(input.id)),

  /** A new run with the same input, from the failed step (same version) or from the start. */
  retry: editorProcedure
    .input(z.object({ id, from: z.enum(RETRY_MODES).default('failed_step') }))
    .mutation(({ ctx, input }) => ctx.runs.retry(input.id, input.from)),

  /**
   * Cancels up to 100 runs: one result per distinct id, in order. Partial success is normal: a
   * finished or missing run is refused ({ ok: false, code, message naming the run }).
   */
  cancelMany: editorProcedure.input(z.object({ ids: bulkIds })).mutation(async ({ ctx, input }) => {
    const results = await ctx.runs.cancelMany(input.ids);
    auditEachRun(ctx, 'runs.cancel', 'runs.cancelMany', results);
    return { results };
  }),

  /**
   * Retries up to 100 runs as runs.retry does: one result per distinct id, in order, with the new
   * run's id or the reason it was refused (a run that did not fail, a deleted flow).
   */
  retryMany: editorProcedure
    .input(z.object({ ids: bulkIds, from: z.enum(RETRY_MODES).default('failed_step') }))
    .mutation(async ({ ctx, input }) => {
      const results = await ctx.runs.retryMany(input.ids, input.from);
      auditEachRun(ctx, 'runs.retry', 'runs.retryMany', results, { from: input.from });
      return { results };
    }),
} satisfies TRPCRouterRecord;
