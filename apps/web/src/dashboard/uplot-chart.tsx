/**
 * One uPlot chart that follows its container's width. `options` must be memoised by the caller:
 * new options rebuild the chart, new data only redraws it.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export function UPlotChart({
  options,
  data,
  height = 180,
  testId,
  label,
}: {
  options: ChartOptions;
  data: uPlot.AlignedData;
  height?: number;
  testId: string;
  label: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(
      { ...options, width: Math.max(element.clientWidth, 200), height },
      latestData.current,
      element,
    );
    plot.current = chart;
    const observer = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry?.contentRect.width ?? 0);
      if (width > 0 && width !== chart.width) chart.setSize({ width, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <div
      ref={container}
      className="dash-chart"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={data[0].length}
    />
  );
}

/** A colour token's value (tokens.css), for canvas drawing that cannot use CSS variables. */
export function cssColour(token: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const value = getComputedStyle(document.documentElement).getPropertyValue(token).trim();
  return value || fallback;
}

/** Axes in the app's muted text and border colours. */
export function themedAxes(yLabel?: (value: number) => string): uPlot.Axis[] {
  const stroke = cssColour('--text-muted', '#6b6b76');
  const grid = { stroke: cssColour('--border', '#e4e4e7'), width: 1 };
  return [
    { stroke, grid, ticks: grid },
    {
      stroke,
      grid,
      ticks: grid,
      size: 64,
      ...(yLabel ? { values: (_u, values) => values.map(yLabel) } : {}),
    },
  ];
}
