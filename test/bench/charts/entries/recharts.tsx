/** Recharts (SVG): a line chart and stacked bars with axes and tooltip, animations off. */
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Bar, BarChart, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { benchSeries, type ChartKind, HEIGHT, installBench, WIDTH } from './data.ts';

function Chart({ kind, points }: { kind: ChartKind; points: number }) {
  const series = benchSeries(points);
  const rows = series.at.map((at, i) => ({
    at,
    line: series.line[i],
    succeeded: series.succeeded[i],
    failed: series.failed[i],
    cancelled: series.cancelled[i],
  }));
  if (kind === 'line') {
    return (
      <LineChart width={WIDTH} height={HEIGHT} data={rows}>
        <XAxis dataKey="at" />
        <YAxis />
        <Tooltip />
        <Line dataKey="line" stroke="#3b82f6" dot={false} isAnimationActive={false} />
      </LineChart>
    );
  }
  return (
    <BarChart width={WIDTH} height={HEIGHT} data={rows}>
      <XAxis dataKey="at" />
      <YAxis />
      <Tooltip />
      <Bar dataKey="succeeded" stackId="runs" fill="#22c55e" isAnimationActive={false} />
      <Bar dataKey="failed" stackId="runs" fill="#ef4444" isAnimationActive={false} />
      <Bar dataKey="cancelled" stackId="runs" fill="#9ca3af" isAnimationActive={false} />
    </BarChart>
  );
}

installBench((kind, points, root) => {
  const reactRoot = createRoot(root);
  flushSync(() => reactRoot.render(<Chart kind={kind} points={points} />));
});
