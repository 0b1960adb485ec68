/** stats.*: dashboard figures from the per-minute rollups. Logic lives in StatsService. */
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { STATS_BUCKET_NAMES } from '../../stats/stats-buckets.ts';
import { viewerProcedure } from '../trpc.ts';

/** The longest range one query may cover. */
export const MAX_STATS_RANGE_DAYS = 90;

const instant = z.iso.datetime({
  offset: true,
  error: 'Expected an ISO 8601 date-time, e.g. 2026-12-04T10:00:00Z',
});
const flowId = z.string().min(1).max(100).optional();

const rangeFields = { from: instant, to: instant };

/** `to` later than `from`, at most MAX_STATS_RANGE_DAYS on. */
function checkRange(value: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const span = Date.parse(value.to) - Date.parse(value.from);
  if (span <= 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: 'The end of the range (to) must be later than its start (from)',
    });
  } else if (span > MAX_STATS_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `The range may cover at most ${MAX_STATS_RANGE_DAYS} days`,
    });
  }
}

function withDates<T extends { from: string; to: string }>(
  value: T,
): Omit<T, 'from' | 'to'> & { from: Date; to: Date } {
  return { ...value, from: new Date(value.from), to: new Date(value.to) };
}

export const statsRouter = {
  /** Finished runs in the range (from the rollups), and runs running or queued now. */
  overview: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, flowId })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.overview(input)),

  /** Finished runs per bucket (1m, 5m, 1h, 1d; default from the range), empty buckets included. */
  timeseries: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, flowId, bucket: z.enum(STATS_BUCKET_NAMES).optional() })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.timeseries(input)),

  /** Error codes of failed runs per flow, most frequent first. */
  topErrors: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, flowId, limit: z.number().int().min(1).max(100).default(10) })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.topErrors(input)),

  /** Per upstream target: the breaker now, its timeline in the range, and its rate limit. */
  upstreams: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, limit: z.number().int().min(1).max(200).default(50) })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.upstreams(input)),

  /**
   * Per flow node (slowest p95 first, at most `limit`) and per node type: finished attempts,
   * failures, error rate, p50/p95, retries and time waited on breakers and rate limits.
   */
  nodes: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, flowId, limit: z.number().int().min(1).max(200).default(50) })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.nodes(input)),

  /** Top failing flows: most failed runs in the range first, with outcomes, success rate, p95. */
  flows: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, limit: z.number().int().min(1).max(100).default(10) })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.flows(input)),

  /**
   * Per bucket (as timeseries): finished runs, step attempts, retries, attempts per run, waits on
   * breakers and rate limits, and worker processes alive.
   */
  activity: viewerProcedure
    .input(
      z
        .object({ ...rangeFields, flowId, bucket: z.enum(STATS_BUCKET_NAMES).optional() })
        .superRefine(checkRange)
        .transform(withDates),
    )
    .query(({ ctx, input }) => ctx.stats.activity(input)),

  /**
   * Server-sent events: runs running and queued now, workers alive, runs finished since the
   * previous event. At most one event a second while runs start or finish, else one every 15 s.
   */
  live: viewerProcedure.input(z.object({ flowId }).default({})).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    yield* ctx.stats.live(input.flowId, signal ?? new AbortController().signal);
  }),
} satisfies TRPCRouterRecord;
