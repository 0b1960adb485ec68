/** Deterministic series shared by every chart entry: one point a minute, seconds since the epoch. */
export type BenchSeries = {
  at: number[];
  line: number[];
  succeeded: number[];
  failed: number[];
  cancelled: number[];
};

export function benchSeries(points: number): BenchSeries {
  const start = 1_790_000_000;
  const series: BenchSeries = { at: [], line: [], succeeded: [], failed: [], cancelled: [] };
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < points; i++) {
    series.at.push(start + i * 60);
    series.line.push(Math.round(200 + 150 * Math.sin(i / 50) + 80 * random()));
    series.succeeded.push(Math.round(40 + 20 * random()));
    series.failed.push(Math.round(6 * random()));
    series.cancelled.push(Math.round(2 * random()));
  }
  return series;
}

export type ChartKind = 'line' | 'stacked';

/** What every entry puts on window: draw one chart of `kind` with `points` points into `root`. */
export type ChartBench = { render(kind: ChartKind, points: number, root: HTMLElement): void };

declare global {
  interface Window {
    chartBench: ChartBench;
  }
}

export const WIDTH = 800;
export const HEIGHT = 300;
