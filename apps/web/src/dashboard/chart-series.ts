/**
 * Stats API answers shaped into what the charts draw: uPlot's aligned columns (x in seconds),
 * stacked layers, and breaker-state segments. Pure, so the shapes are unit-tested.
 */
import type { BreakerState } from '../api/types.ts';

/** One layer of a stacked chart, bottom first. */
export type StackLayer = { label: string; values: readonly number[] };

export type StackedColumns = {
  x: number[];
  /** Cumulative sums, top layer first: uPlot draws them back to front so each shows its band. */
  cumulative: number[][];
  /** The layers' own values in the same (top first) order, for the legend and tooltips. */
  raw: number[][];
  labels: string[];
};

const BUCKET_LABELS: Record<string, string> = {
  '1m': 'minute',
  '5m': '5 minutes',
  '1h': 'hour',
  '1d': 'day',
};

/** "per minute", "per 5 minutes": what one bar of a stats timeseries counts. */
export function perBucket(bucket: string): string {
  return `per ${BUCKET_LABELS[bucket] ?? bucket}`;
}

export function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** Stacks layers (bottom first) over the x positions of `at`. */
export function stackLayers(at: readonly string[], layers: readonly StackLayer[]): StackedColumns {
  const x = at.map(epochSeconds);
  const sums: number[][] = [];
  let below = x.map(() => 0);
  for (const layer of layers) {
    below = below.map((sum, i) => sum + (layer.values[i] ?? 0));
    sums.push(below);
  }
  return {
    x,
    cumulative: sums.reverse(),
    raw: layers.map((layer) => [...layer.values]).reverse(),
    labels: layers.map((layer) => layer.label).reverse(),
  };
}

type RunBucket = { at: string; succeeded: number; failed: number; cancelled: number };

/** Runs per bucket stacked by status, failures at the bottom where the eye starts. */
export function runStatusColumns(buckets: readonly RunBucket[]): StackedColumns {
  return stackLayers(
    buckets.map((b) => b.at),
    [
      { label: 'failed', values: buckets.map((b) => b.failed) },
      { label: 'cancelled', values: buckets.map((b) => b.cancelled) },
      { label: 'succeeded', values: buckets.map((b) => b.succeeded) },
    ],
  );
}

/** Aligned columns of one or more numeric fields per bucket; missing values stay gaps (null). */
export function lineColumns<B extends { at: string }>(
  buckets: readonly B[],
  fields: readonly (keyof B)[],
): [number[], ...(number | null)[][]] {
  return [
    buckets.map((b) => epochSeconds(b.at)),
    ...fields.map((field) =>
      buckets.map((b) => {
        const value = b[field];
        return typeof value === 'number' && Number.isFinite(value) ? value : null;
      }),
    ),
  ];
}

/** Whether any bucket holds a non-zero value of these fields (else the chart shows its empty state). */
export function hasValues<B>(buckets: readonly B[], fields: readonly (keyof B)[]): boolean {
  return buckets.some((b) => fields.some((field) => Number(b[field] ?? 0) > 0));
}

export type BreakerPhase = BreakerState;
export type BreakerSegment = { start: number; end: number; state: BreakerPhase };

/**
 * A breaker's states over [from, to) as contiguous segments, from its state when the range began
 * and its transitions in the range (oldest first). Transitions outside the window are clamped.
 */
export function breakerSegments(
  stateAtFrom: BreakerPhase,
  transitions: readonly { at: string; to: BreakerPhase }[],
  window: { from: string; to: string },
): BreakerSegment[] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const segments: BreakerSegment[] = [];
  let start = from;
  let state = stateAtFrom;
  for (const transition of transitions) {
    const at = Math.min(Math.max(Date.parse(transition.at), from), to);
    if (at > start) segments.push({ start, end: at, state });
    start = Math.max(start, at);
    state = transition.to;
  }
  if (to > start) segments.push({ start, end: to, state });
  return mergeAdjacent(segments);
}

function mergeAdjacent(segments: BreakerSegment[]): BreakerSegment[] {
  const merged: BreakerSegment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && last.state === segment.state && last.end === segment.start) last.end = segment.end;
    else merged.push({ ...segment });
  }
  return merged;
}

/** The share of [from, to) a breaker spent not closed, 0–1. */
export function timeNotClosed(segments: readonly BreakerSegment[]): number {
  const total = segments.reduce((sum, s) => sum + (s.end - s.start), 0);
  if (total <= 0) return 0;
  const bad = segments
    .filter((s) => s.state !== 'closed')
    .reduce((sum, s) => sum + (s.end - s.start), 0);
  return bad / total;
}
