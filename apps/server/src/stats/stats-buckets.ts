/** Time buckets of a chart: their width, the first one's start and how many the range holds. */
import { InvalidRequestError } from '../domain-errors.ts';

export const STATS_BUCKETS = {
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;
export type StatsBucket = keyof typeof STATS_BUCKETS;
export const STATS_BUCKET_NAMES = Object.keys(STATS_BUCKETS) as [StatsBucket, ...StatsBucket[]];
/** At most this many buckets in one timeseries. */
export const MAX_TIMESERIES_BUCKETS = 2000;

/**
 * The bucket a chart of this range reads best with (at most a few hundred points). Past two
 * hours, at least an hour: older minutes are compacted into hours (stats-compactor.ts), and a
 * narrower bucket would show each compacted hour as one spike at its start.
 */
export function defaultBucket(from: Date, to: Date): StatsBucket {
  const span = to.getTime() - from.getTime();
  if (span <= 2 * 3_600_000) return '1m';
  if (span <= 14 * 86_400_000) return '1h';
  return '1d';
}

export type BucketPlan = {
  bucket: StatsBucket;
  widthMs: number;
  /** Start of the first bucket (aligned to the epoch, UTC). */
  firstMs: number;
  count: number;
  /**
   * For date_bin: the width as an interval literal. A row counts in the bucket holding its start
   * (an hour row: its hour's start), or in the first bucket when it starts before it.
   */
  interval: string;
};

/** Buckets of `bucket` (default from the range) covering the range; too many is STATS_RANGE. */
export function planBuckets(range: {
  from: Date;
  to: Date;
  bucket?: StatsBucket | undefined;
}): BucketPlan {
  const bucket = range.bucket ?? defaultBucket(range.from, range.to);
  const widthMs = STATS_BUCKETS[bucket];
  const firstMs = Math.floor(range.from.getTime() / widthMs) * widthMs;
  const count = Math.ceil((range.to.getTime() - firstMs) / widthMs);
  if (count > MAX_TIMESERIES_BUCKETS) {
    throw new InvalidRequestError(
      'STATS_RANGE',
      `A timeseries holds at most ${MAX_TIMESERIES_BUCKETS} buckets; ${bucket} buckets over this range make ${count}. Choose a wider bucket or a shorter range.`,
    );
  }
  return { bucket, widthMs, firstMs, count, interval: `${widthMs / 1000} seconds` };
}

/** The start of every bucket, in order. */
export function bucketStarts(plan: BucketPlan): number[] {
  return Array.from({ length: plan.count }, (_, index) => plan.firstMs + index * plan.widthMs);
}
