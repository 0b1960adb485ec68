/** runs.*: run history, cancelling and retrying. Logic lives in RunService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { RETRY_MODES, RUN_STATUSES, RUN_TRIGGERS } from '../../runs/run-status.ts';
import { RUN_VALUE_FIELDS } from '../../runs/run-values.ts';
import { editorProcedure, viewerProcedure } from '../trpc.ts';

const id = z.string().min(1).max(100);

export const runsRouter = {
  list: viewerProcedure
    .input(
      z
        .object({
          flowId: z.string().min(1).max(100).optional(),
          status: z.enum(RUN_STATUSES).optional(),
          trigger: z.enum(RUN_TRIGGERS).optional(),
          limit: z.number().int().min(1).max(100).default(20),
          cursor: z.string().max(500).nullish(),
        })
        .prefault({}),
    )
    .query(({ ctx, input }) => ctx.runs.list(input)),

  /** Large values come as previews (TruncatedValue); runs.value downloads one whole. */
  get: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => ctx.runs.get(input.id)),

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
} satisfies TRPCRouterRecord;
