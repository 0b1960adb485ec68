import { describe, expect, it } from 'vitest';
import {
  bucketBounds,
  bucketOf,
  estimateQuantile,
  HISTOGRAM_BUCKETS,
} from './duration-histogram.ts';

function histogramOf(durations: number[]): number[] {
  const counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const duration of durations)
    counts[bucketOf(duration)] = (counts[bucketOf(duration)] ?? 0) + 1;
  return counts;
}

describe('duration histogram', () => {
  it('puts every duration inside the bounds of its bucket', () => {
    for (const duration of [0, 1, 2, 3, 7, 100, 999, 1000, 65_432, 3_600_000]) {
      const { lowMs, highMs } = bucketBounds(bucketOf(duration));
      expect(duration).toBeGreaterThanOrEqual(Math.floor(lowMs));
      expect(duration).toBeLessThanOrEqual(Math.ceil(highMs));
    }
  });

  it('keeps durations beyond the last bound in the last bucket', () => {
    expect(bucketOf(10 ** 12)).toBe(HISTOGRAM_BUCKETS - 1);
  });

  it('estimates a percentile inside the bucket of the exact value', () => {
    const durations = Array.from({ length: 1000 }, (_, i) => 5 + ((i * 7919) % 4000));
    const sorted = [...durations].sort((a, b) => a - b);
    const histogram = histogramOf(durations);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
      const estimate = estimateQuantile(histogram, q) ?? Number.NaN;
      const { lowMs, highMs } = bucketBounds(bucketOf(exact));
      expect(estimate).toBeGreaterThanOrEqual(Math.floor(lowMs));
      expect(estimate).toBeLessThanOrEqual(Math.ceil(highMs));
    }
  });

  it('has no percentile without durations', () => {
    expect(estimateQuantile(new Array<number>(HISTOGRAM_BUCKETS).fill(0), 0.5)).toBeNull();
  });
});
