/** Lines over the stats buckets: one per field, each with a label, colour token and unit. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { lineColumns } from './chart-series.ts';
import { type ChartOptions, cssColour, themedAxes, UPlotChart } from './uplot-chart.tsx';

export type LineSpec<B> = {
  field: keyof B & string;
  label: string;
  token: string;
  fallback: string;
};

export function LineChart<B extends { at: string }>({
  buckets,
  lines,
  format,
  testId,
  label,
  height = 160,
}: {
  buckets: readonly B[];
  lines: readonly LineSpec<B>[];
  format: (value: number) => string;
  testId: string;
  label: string;
  height?: number;
}) {
  const data = useMemo<uPlot.AlignedData>(
    () =>
      lineColumns(
        buckets,
        lines.map((line) => line.field),
      ),
    [buckets, lines],
  );
  const options = useMemo<ChartOptions>(
    () => ({
      cursor: { points: { size: 6 } },
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: themedAxes(format),
      series: [
        {},
        ...lines.map((line): uPlot.Series => {
          const colour = cssColour(line.token, line.fallback);
          return {
            label: line.label,
            stroke: colour,
            width: 1.5,
            spanGaps: false,
            // Sparse series (a few buckets with runs) would be invisible as lines alone.
            points: {
              show: (u, seriesIndex) => countValues(u.data[seriesIndex]) <= 60,
              size: 5,
              fill: colour,
            },
            value: (_u, value) => (value === null ? '—' : format(value)),
          };
        }),
      ],
    }),
    [lines, format],
  );
  return <UPlotChart options={options} data={data} height={height} testId={testId} label={label} />;
}

function countValues(values: uPlot.AlignedData[number] | undefined): number {
  let count = 0;
  for (const value of values ?? []) if (value !== null && value !== undefined) count++;
  return count;
}
