/**
 * The duration histogram of run_stats_minute: fixed log buckets, so rollups of any minutes add up
 * element by element and percentiles are estimated from the sum. Must match the SQL function
 * run_stats_duration_bucket (migration 20261204020000_run_stats).
 */

export const HISTOGRAM_BUCKETS = 108;
/** Each bucket spans a factor of 2^(1/4) (about 19 %): the error bound of an estimate. */
export const BUCKETS_PER_DOUBLING = 4;

/** Bucket 0 holds [0, 1) ms; bucket i >= 1 holds [2^((i-1)/4), 2^(i/4)) ms; the last also beyond. */
export function bucketBounds(index: number): { lowMs: number; highMs: number } {
  if (index <= 0) return { lowMs: 0, highMs: 1 };
  return {
    lowMs: 2 ** ((index - 1) / BUCKETS_PER_DOUBLING),
    highMs: 2 ** (index / BUCKETS_PER_DOUBLING),
  };
}

/** The bucket of a duration, as the SQL function computes it. */
export function bucketOf(durationMs: number): number {
  if (durationMs < 1) return 0;
  return Math.min(
    HISTOGRAM_BUCKETS - 1,
    1 + Math.floor(BUCKETS_PER_DOUBLING * Math.log2(durationMs)),
  );
}

/**
 * The q-quantile (0..1) of the durations counted in `counts` (by bucket index), interpolated
 * linearly inside the bucket that holds it; null when nothing is counted. The overflow bucket
 * reports its lower bound.
 */
export function estimateQuantile(counts: readonly number[], q: number): number | null {
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return null;
  // The same rank as percentile_cont: position q * (n - 1) among the sorted values, 0-based.
  const rank = q * (total - 1);
  let below = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index] ?? 0;
    if (count === 0) continue;
    if (rank < below + count) {
      const { lowMs, highMs } = bucketBounds(index);
      if (index === HISTOGRAM_BUCKETS - 1) return Math.round(lowMs);
      // Spread the bucket's values evenly over it: value j (0-based) at its (j + 0.5) / count.
      const within = (rank - below + 0.5) / count;
      return Math.round(lowMs + (highMs - lowMs) * within);
    }
    below += count;
  }
  return null;
}
