/** stats.*: dashboard figures from the per-minute rollups. Logic lives in StatsService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { STATS_BUCKET_NAMES } from '../../stats/stats-service.ts';
import { viewerProcedure } from '../trpc.ts';

/** The longest range one query may cover. */
export const MAX_STATS_RANGE_DAYS = 90;

const instant = z.iso.datetime({
  offset: true,
  error: 'Expected an ISO 8601 date-time, e.g. 2026-12-04T10:00:00Z',
});

const range = z
  .object({
    from: instant,
    to: instant,
    flowId: z.string().min(1).max(100).optional(),
  })
  .transform((value) => ({ ...value, from: new Date(value.from), to: new Date(value.to) }))
  .superRefine((value, ctx) => {
    if (value.from.getTime() >= value.to.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'The end of the range (to) must be later than its start (from)',
      });
    } else if (value.to.getTime() - value.from.getTime() > MAX_STATS_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `The range may cover at most ${MAX_STATS_RANGE_DAYS} days`,
      });
    }
  });

export const statsRouter = {
  /** Finished runs in the range (from the rollups), and runs running or queued now. */
  overview: viewerProcedure.input(range).query(({ ctx, input }) => ctx.stats.overview(input)),

  /** Finished runs per bucket (1m, 5m, 1h, 1d; default from the range), empty buckets included. */
  timeseries: viewerProcedure
    .input(z.object({ bucket: z.enum(STATS_BUCKET_NAMES).optional() }).and(range))
    .query(({ ctx, input }) => ctx.stats.timeseries(input)),

  /** Error codes of failed runs per flow, most frequent first. */
  topErrors: viewerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(10) }).and(range))
    .query(({ ctx, input }) => ctx.stats.topErrors(input)),
} satisfies TRPCRouterRecord;
