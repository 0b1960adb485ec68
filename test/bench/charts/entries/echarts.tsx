/** ECharts tree-shaken through echarts/core: line and bar charts, grid, tooltip, canvas renderer. */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { type EChartsCoreOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { benchSeries, type ChartKind, HEIGHT, installBench, WIDTH } from './data.ts';

use([LineChart, BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

function option(kind: ChartKind, points: number): EChartsCoreOption {
  const series = benchSeries(points);
  const x = series.at.map((at) => at * 1000);
  const pairs = (values: number[]) => values.map((v, i) => [x[i], v]);
  const common = {
    animation: false,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time' },
    yAxis: { type: 'value' },
  };
  if (kind === 'line') {
    return { ...common, series: [{ type: 'line', showSymbol: false, data: pairs(series.line) }] };
  }
  return {
    ...common,
    series: (['succeeded', 'failed', 'cancelled'] as const).map((name) => ({
      type: 'bar',
      name,
      stack: 'runs',
      data: pairs(series[name]),
    })),
  };
}

function Chart({ kind, points }: { kind: ChartKind; points: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = init(ref.current!, undefined, { width: WIDTH, height: HEIGHT });
    chart.setOption(option(kind, points));
    return () => chart.dispose();
  }, [kind, points]);
  return <div ref={ref} style={{ width: WIDTH, height: HEIGHT }} />;
}

installBench((kind, points, root) => {
  const reactRoot = createRoot(root);
  flushSync(() => reactRoot.render(<Chart kind={kind} points={points} />));
});
