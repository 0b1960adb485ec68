/** webhooks.*: the editor's "Listen for test event". Logic lives in webhooks/webhook-test-event.ts. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listenForTestEvent } from '../../webhooks/webhook-test-event.ts';
import { editorProcedure } from '../trpc.ts';

export const webhooksRouter = {
  /**
   * Waits up to 60 s for the next request to the flow's webhook (/hooks/<flowId> or its path),
   * active or not; that request is answered 200 without starting a run and comes back here.
   * `captured` is null when none came in time.
   */
  listen: editorProcedure
    .meta({ audit: false })
    .input(z.object({ flowId: z.string().min(1, 'is required').max(100) }))
    .mutation(({ ctx, input, signal }) =>
      listenForTestEvent(
        { flows: ctx.flows, captures: ctx.webhooks.captures },
        input.flowId,
        signal,
      ),
    ),
} satisfies TRPCRouterRecord;
