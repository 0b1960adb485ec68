/**
 * Duration histograms read from the rollups as sparse rows (key, bucket index, count) and summed
 * back into arrays per key, for estimateQuantile.
 */
import { HISTOGRAM_BUCKETS } from './duration-histogram.ts';

export type HistogramRow = { key: string; bucket: number; n: string };

export function emptyHistogram(): number[] {
  return new Array<number>(HISTOGRAM_BUCKETS).fill(0);
}

export function histogramsByKey(rows: readonly HistogramRow[]): Map<string, number[]> {
  const result = new Map<string, number[]>();
  for (const row of rows) {
    let counts = result.get(row.key);
    if (!counts) {
      counts = emptyHistogram();
      result.set(row.key, counts);
    }
    counts[row.bucket] = (counts[row.bucket] ?? 0) + Number(row.n);
  }
  return result;
}
