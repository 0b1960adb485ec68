/** Finished runs per bucket, stacked by status with failures at the bottom. */
import { useMemo } from 'react';
import uPlot from 'uplot';
import { runStatusColumns } from './chart-series.ts';
import { type ChartOptions, cssColour, themedAxes, UPlotChart } from './uplot-chart.tsx';

type RunBucket = { at: string; succeeded: number; failed: number; cancelled: number };

const STATUS_TOKENS: Record<string, [string, string]> = {
  succeeded: ['--status-succeeded', '#16a34a'],
  cancelled: ['--status-cancelled', '#d97706'],
  failed: ['--status-failed', '#dc2626'],
};

export function RunsByStatusChart({ buckets }: { buckets: readonly RunBucket[] }) {
  const columns = useMemo(() => runStatusColumns(buckets), [buckets]);
  const options = useMemo<ChartOptions>(() => {
    const bars = uPlot.paths.bars?.({ size: [0.8, 24], gap: 1 });
    return {
      legend: { live: true },
      cursor: { points: { show: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: themedAxes((v) => (Number.isInteger(v) ? String(v) : '')),
      series: [
        {},
        ...columns.labels.map((label, layer): uPlot.Series => {
          const [token, fallback] = STATUS_TOKENS[label] ?? ['--text-muted', '#888'];
          const colour = cssColour(token, fallback);
          return {
            label,
            fill: colour,
            stroke: colour,
            width: 0,
            ...(bars ? { paths: bars } : {}),
            points: { show: false },
            // The legend shows the layer's own count, not the running sum it is drawn at.
            value: (_u, _v, _series, index) =>
              index === null ? '—' : String(columns.raw[layer]?.[index] ?? 0),
          };
        }),
      ],
    };
  }, [columns]);
  const data = useMemo<uPlot.AlignedData>(() => [columns.x, ...columns.cumulative], [columns]);
  return (
    <UPlotChart
      options={options}
      data={data}
      height={200}
      testId="chart-runs"
      label="Finished runs over time by status"
    />
  );
}
