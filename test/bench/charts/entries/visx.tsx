/** visx (SVG, d3 scales): a line path and stacked bars with both axes; no tooltip. */
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { BarStack, LinePath } from '@visx/shape';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { benchSeries, type ChartKind, HEIGHT, installBench, WIDTH } from './data.ts';

const MARGIN = 40;
const keys = ['succeeded', 'failed', 'cancelled'] as const;
const colours = { succeeded: '#22c55e', failed: '#ef4444', cancelled: '#9ca3af' };

function Chart({ kind, points }: { kind: ChartKind; points: number }) {
  const series = benchSeries(points);
  const innerWidth = WIDTH - 2 * MARGIN;
  const innerHeight = HEIGHT - 2 * MARGIN;
  if (kind === 'line') {
    const x = scaleLinear({ domain: [series.at[0]!, series.at.at(-1)!], range: [0, innerWidth] });
    const y = scaleLinear({ domain: [0, Math.max(...series.line)], range: [innerHeight, 0] });
    return (
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={kind}>
        <Group left={MARGIN} top={MARGIN}>
          <LinePath
            data={series.at.map((at, i) => [at, series.line[i]!] as const)}
            x={(d) => x(d[0])}
            y={(d) => y(d[1])}
            stroke="#3b82f6"
          />
          <AxisLeft scale={y} />
          <AxisBottom scale={x} top={innerHeight} />
        </Group>
      </svg>
    );
  }
  const rows = series.at.map((at, i) => ({
    at,
    succeeded: series.succeeded[i]!,
    failed: series.failed[i]!,
    cancelled: series.cancelled[i]!,
  }));
  const x = scaleBand({ domain: series.at, range: [0, innerWidth], padding: 0.1 });
  const y = scaleLinear({
    domain: [0, Math.max(...rows.map((r) => r.succeeded + r.failed + r.cancelled))],
    range: [innerHeight, 0],
  });
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label={kind}>
      <Group left={MARGIN} top={MARGIN}>
        <BarStack
          data={rows}
          keys={[...keys]}
          x={(d) => d.at}
          xScale={x}
          yScale={y}
          color={(key) => colours[key as keyof typeof colours]}
        />
        <AxisLeft scale={y} />
        <AxisBottom scale={x} top={innerHeight} numTicks={8} />
      </Group>
    </svg>
  );
}

installBench((kind, points, root) => {
  const reactRoot = createRoot(root);
  flushSync(() => reactRoot.render(<Chart kind={kind} points={points} />));
});
