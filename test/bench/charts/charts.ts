/**
 * `pnpm bench charts`: the chart library for the dashboard, chosen by measurement. Each entry in
 * entries/ draws the dashboard's two chart shapes (stacked bars of runs by status, a line of p95)
 * in a React app. For each library: the gzipped JavaScript + CSS it adds to a minimal Vite build
 * over React alone, and the time Debian's Chromium takes from creating a chart of
 * BENCH_CHART_POINTS (10,000) points to the second animation frame after it, median of
 * BENCH_CHART_REPEAT (9) fresh page loads per chart.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { launchBrowser } from '../../support/browser.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const chartLibraries = ['uplot', 'echarts', 'recharts', 'visx'] as const;
type Library = (typeof chartLibraries)[number] | 'baseline';

export type ChartLibraryResult = {
  library: string;
  version: string;
  jsGzipBytes: number;
  cssGzipBytes: number;
  addedGzipBytes: number;
  renderMs: Record<'line' | 'stacked', { median: number; min: number; max: number }>;
};

export type ChartBenchResult = { points: number; repeat: number; results: ChartLibraryResult[] };

const versions: Record<Library, string> = {
  baseline: 'react',
  uplot: 'uplot',
  echarts: 'echarts',
  recharts: 'recharts',
  visx: '@visx/shape',
};

async function packageVersion(name: string): Promise<string> {
  const path = join(here, '../../node_modules', name, 'package.json');
  return (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
}

/** A production build of one entry; returns its output directory. */
async function buildEntry(library: Library): Promise<string> {
  const outDir = join(here, 'dist', library);
  await rm(outDir, { recursive: true, force: true });
  await build({
    configFile: false,
    root: here,
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      rolldownOptions: {
        input: join(here, 'entries', `${library}.tsx`),
        output: { entryFileNames: 'entry.js', assetFileNames: '[name][extname]' },
      },
    },
  });
  return outDir;
}

async function gzipSizes(outDir: string): Promise<{ js: number; css: number }> {
  const sizes = { js: 0, css: 0 };
  for (const file of await readdir(outDir, { recursive: true })) {
    const extension = extname(file);
    if (extension !== '.js' && extension !== '.css') continue;
    const bytes = gzipSync(await readFile(join(outDir, file)), { level: 9 }).length;
    if (extension === '.js') sizes.js += bytes;
    else sizes.css += bytes;
  }
  return sizes;
}

/** Serves one build at / with a page that loads it; returns the base URL and a close function. */
async function serve(outDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const files = await readdir(outDir, { recursive: true });
  const css = files
    .filter((f) => f.endsWith('.css'))
    .map((f) => `<link rel="stylesheet" href="/${f}">`);
  const page = `<!doctype html><html><head>${css.join('')}</head><body><div id="root"></div><script type="module" src="/entry.js"></script></body></html>`;
  const server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    try {
      const body = await readFile(join(outDir, path.slice(1)));
      const type = path.endsWith('.js') ? 'text/javascript' : 'text/css';
      response.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export async function benchCharts(options: {
  points: number;
  repeat: number;
}): Promise<ChartBenchResult> {
  const browser = await launchBrowser();
  const baseline = await gzipSizes(await buildEntry('baseline'));
  const results: ChartLibraryResult[] = [];
  try {
    for (const library of chartLibraries) {
      const outDir = await buildEntry(library);
      const sizes = await gzipSizes(outDir);
      const site = await serve(outDir);
      const renderMs = {} as ChartLibraryResult['renderMs'];
      for (const kind of ['line', 'stacked'] as const) {
        const samples: number[] = [];
        for (let run = 0; run < options.repeat; run++) {
          const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
          await page.goto(site.url);
          await page.waitForFunction(() => 'chartBench' in globalThis);
          samples.push(
            await page.evaluate(
              ([kind, points]) =>
                (
                  globalThis as unknown as {
                    chartBench: { measure(kind: string, points: number): Promise<number> };
                  }
                ).chartBench.measure(kind, points),
              [kind, options.points] as const,
            ),
          );
          await page.close();
        }
        renderMs[kind] = {
          median: median(samples),
          min: Math.min(...samples),
          max: Math.max(...samples),
        };
        console.error(`${library} ${kind}: ${samples.map((s) => s.toFixed(1)).join(', ')} ms`);
      }
      await site.close();
      results.push({
        library,
        version: await packageVersion(versions[library]),
        jsGzipBytes: sizes.js,
        cssGzipBytes: sizes.css,
        addedGzipBytes: sizes.js + sizes.css - baseline.js - baseline.css,
        renderMs,
      });
    }
  } finally {
    await browser.close();
    await rm(join(here, 'dist'), { recursive: true, force: true });
  }
  return { points: options.points, repeat: options.repeat, results };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (m: { median: number; min: number; max: number }) =>
  `${m.median.toFixed(1)} ms (${m.min.toFixed(0)}–${m.max.toFixed(0)})`;

export function chartRows(result: ChartBenchResult): string[] {
  return [
    `Chart libraries: gzipped size added to a React-only Vite build (line + stacked bars), and render time of one chart with ${result.points.toLocaleString('en')} points in Chromium (median of ${result.repeat} page loads, min–max):`,
    '',
    '| library | version | added, gzipped (JS + CSS) | line, 10k points | stacked bars, 3 × 10k points |',
    '| --- | --- | --- | --- | --- |',
    ...result.results.map(
      (r) =>
        `| ${r.library} | ${r.version} | ${kb(r.addedGzipBytes)} (${kb(r.jsGzipBytes)} + ${kb(r.cssGzipBytes)} total) | ${ms(r.renderMs.line)} | ${ms(r.renderMs.stacked)} |`,
    ),
    '',
  ];
}
