/** uPlot in a React app: a line chart and stacked bars (cumulative series drawn back to front). */
import { useEffect, useRef } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { benchSeries, type ChartKind, HEIGHT, installBench, WIDTH } from './data.ts';

function options(kind: ChartKind): uPlot.Options {
  if (kind === 'line') {
    return {
      width: WIDTH,
      height: HEIGHT,
      series: [{}, { label: 'p95', stroke: '#3b82f6', width: 1 }],
    };
  }
  const bars = uPlot.paths.bars!({ size: [0.9, 20] });
  return {
    width: WIDTH,
    height: HEIGHT,
    series: [
      {},
      { label: 'cancelled', fill: '#9ca3af', stroke: '#9ca3af', paths: bars },
      { label: 'failed', fill: '#ef4444', stroke: '#ef4444', paths: bars },
      { label: 'succeeded', fill: '#22c55e', stroke: '#22c55e', paths: bars },
    ],
  };
}

function data(kind: ChartKind, points: number): uPlot.AlignedData {
  const series = benchSeries(points);
  if (kind === 'line') return [series.at, series.line];
  const total = series.succeeded.map((v, i) => v + series.failed[i]! + series.cancelled[i]!);
  const failedAndSucceeded = series.succeeded.map((v, i) => v + series.failed[i]!);
  return [series.at, total, failedAndSucceeded, series.succeeded];
}

function Chart({ kind, points }: { kind: ChartKind; points: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const plot = new uPlot(options(kind), data(kind, points), ref.current!);
    return () => plot.destroy();
  }, [kind, points]);
  return <div ref={ref} />;
}

installBench((kind, points, root) => {
  const reactRoot = createRoot(root);
  flushSync(() => reactRoot.render(<Chart kind={kind} points={points} />));
});
