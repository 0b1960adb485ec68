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

/** Draws one chart of `kind` with `points` points into `root`. */
export type RenderChart = (kind: ChartKind, points: number, root: HTMLElement) => void;

/**
 * Puts `chartBench.measure` on window for charts.ts: the milliseconds from calling `render` to
 * the second animation frame after it (the chart painted). Fails when nothing was drawn.
 */
export function installBench(render: RenderChart): void {
  const measure = (kind: ChartKind, points: number) =>
    new Promise<number>((resolve, reject) => {
      const root = document.getElementById('root');
      if (!root) throw new Error('no #root');
      const started = performance.now();
      render(kind, points, root);
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          const elapsed = performance.now() - started;
          const drawn = root.querySelectorAll('canvas, svg path, svg rect').length;
          if (drawn === 0) reject(new Error(`nothing drawn for the ${kind} chart`));
          else resolve(elapsed);
        }),
      );
    });
  Object.assign(window, { chartBench: { measure } });
}

export const WIDTH = 800;
export const HEIGHT = 300;
