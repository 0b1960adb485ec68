/** nodeTypes.*: the node palette, generated from the engine's registry. */
import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';

export const nodeTypesRouter = {
  list: publicProcedure.query(({ ctx }) => ctx.registry.describe()),
} satisfies TRPCRouterRecord;
