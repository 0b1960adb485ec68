/**
 * `pnpm bench editor` (issue 9): how the flow editor copes with big flows, in headless Debian
 * Chromium (software rendering: no GPU, so frame rates are a floor, not what a laptop shows).
 *
 * Starts the server (production build of the web app, a fresh database), imports one flow per size
 * in BENCH_EDITOR_SIZES (default "100,500,1000" nodes: a manual trigger and JSONata transforms in
 * a grid of 25 columns, each connected to the next), and for each size reports the median of
 * BENCH_EDITOR_REPEAT (3) rounds of:
 * - open: from navigating to /flows/<id> until the canvas shows nodes and two frames have passed;
 * - pan and zoom fps: animation frames per second while the mouse drags the pane (pan) or turns
 *   the wheel over it (zoom) for BENCH_EDITOR_GESTURE_MS (2000) each, events sent back to back;
 * - keystroke: main-thread time of one character typed into the selected node's label field,
 *   from the input event until React committed and layout was computed (mean of 30 characters;
 *   paint excluded).
 */
import type { FlowDocument } from '@patchbay/engine';
import type { Page } from 'playwright-core';
import { type Api, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { startServer } from '../support/server-process.ts';
import { createTestDatabase } from '../support/test-database.ts';

export type EditorSizeResult = {
  nodes: number;
  openMs: number;
  renderedNodes: number;
  panFps: number;
  zoomFps: number;
  keystrokeMs: number;
};

const COLUMNS = 25;

export function gridFlow(name: string, size: number): FlowDocument {
  const nodes: FlowDocument['nodes'] = [
    { id: 'trigger', type: 'trigger.manual', config: {}, position: { x: 0, y: 0 } },
  ];
  for (let i = 1; i < size; i++) {
    nodes.push({
      id: `t${i}`,
      type: 'transform.jsonata',
      label: `Transform ${i}`,
      config: { expression: `{ "step": ${i}, "total": $sum([1, 2, ${i}]) }` },
      position: { x: (i % COLUMNS) * 300, y: Math.floor(i / COLUMNS) * 160 },
    } as FlowDocument['nodes'][number]);
  }
  const edges = nodes.slice(1).map((node, i) => ({
    id: `e${i + 1}`,
    source: nodes[i]!.id,
    target: node.id,
  }));
  return { version: 1, name, nodes, edges };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Counts animation frames in the page while `gesture` runs; frames per second. */
async function framesPerSecond(page: Page, gesture: () => Promise<void>): Promise<number> {
  // Strings, not functions: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => {
      if (!window.__counting) return;
      window.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const started = performance.now();
  await gesture();
  const elapsed = performance.now() - started;
  const frames = await page.evaluate<number>(
    '(() => { window.__counting = false; return window.__frames; })()',
  );
  return (frames * 1000) / elapsed;
}

async function measureSize(
  page: Page,
  baseUrl: string,
  flowId: string,
  gestureMs: number,
): Promise<Omit<EditorSizeResult, 'nodes'>> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('user-menu').waitFor();
  const openStarted = performance.now();
  await page.goto(`${baseUrl}/flows/${flowId}`);
  await page.locator('.react-flow__node').first().waitFor({ timeout: 120_000 });
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
  const openMs = performance.now() - openStarted;
  const renderedNodes = await page.locator('.react-flow__node').count();

  const pane = page.locator('.react-flow__pane');
  const box = await pane.boundingBox();
  if (!box) throw new Error('the canvas pane has no box');
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };

  const panFps = await framesPerSecond(page, async () => {
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    const end = performance.now() + gestureMs;
    let step = 0;
    while (performance.now() < end) {
      step++;
      const angle = step / 20;
      await page.mouse.move(centre.x + Math.cos(angle) * 200, centre.y + Math.sin(angle) * 150);
    }
    await page.mouse.up();
  });

  const zoomFps = await framesPerSecond(page, async () => {
    await page.mouse.move(centre.x, centre.y);
    const end = performance.now() + gestureMs;
    let step = 0;
    while (performance.now() < end) {
      step++;
      await page.mouse.wheel(0, Math.floor(step / 15) % 2 === 0 ? 40 : -40);
    }
  });

  // Select a node (the first one on screen) and type into its label field.
  const visibleNodeId = await page.evaluate<string | null>(`(() => {
    const pane = document.querySelector('.react-flow__pane').getBoundingClientRect();
    for (const node of document.querySelectorAll('.react-flow__node')) {
      const box = node.getBoundingClientRect();
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      if (x > pane.left + 20 && x < pane.right - 20 && y > pane.top + 20 && y < pane.bottom - 20) {
        return node.getAttribute('data-id');
      }
    }
    return null;
  })()`);
  if (!visibleNodeId) throw new Error('no node on screen to select');
  await page.locator(`.react-flow__node[data-id="${visibleNodeId}"]`).click();
  const label = page.getByTestId('field-label');
  await label.waitFor();
  await label.focus();
  const keystrokeMs = await page.evaluate<number>(`(async () => {
    const input = document.querySelector('[data-testid="field-label"]');
    if (!input) throw new Error('no label field');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const times = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      setValue.call(input, input.value + 'x');
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // React flushes a discrete input update in a microtask; then force style and layout.
      await Promise.resolve();
      void document.body.offsetHeight;
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return times.reduce((sum, time) => sum + time, 0) / times.length;
  })()`);
  return { openMs, renderedNodes, panFps, zoomFps, keystrokeMs };
}

export async function benchEditor(options: {
  sizes: number[];
  repeat: number;
  gestureMs: number;
}): Promise<EditorSizeResult[]> {
  const database = await createTestDatabase();
  const server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  const browser = await launchBrowser();
  try {
    const api: Api = await createApi(server);
    const flowIds = new Map<number, string>();
    for (const size of options.sizes) {
      flowIds.set(size, await importFlow(api, gridFlow(`Bench ${size} nodes`, size)));
    }
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await signInThroughPage(page, server.baseUrl, server.admin);
    const results: EditorSizeResult[] = [];
    for (const size of options.sizes) {
      const rounds: Omit<EditorSizeResult, 'nodes'>[] = [];
      for (let round = 0; round < options.repeat; round++) {
        rounds.push(await measureSize(page, server.baseUrl, flowIds.get(size)!, options.gestureMs));
      }
      results.push({
        nodes: size,
        openMs: median(rounds.map((r) => r.openMs)),
        renderedNodes: median(rounds.map((r) => r.renderedNodes)),
        panFps: median(rounds.map((r) => r.panFps)),
        zoomFps: median(rounds.map((r) => r.zoomFps)),
        keystrokeMs: median(rounds.map((r) => r.keystrokeMs)),
      });
      console.error(JSON.stringify(results.at(-1)));
    }
    return results;
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }
}

export function editorRows(results: EditorSizeResult[]): string[] {
  return [
    'Flow editor in headless Chromium (software rendering; medians):',
    '',
    '| nodes | open | nodes in the DOM | pan | zoom | per keystroke (label field) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.nodes} | ${Math.round(r.openMs)} ms | ${r.renderedNodes} | ${r.panFps.toFixed(0)} fps | ${r.zoomFps.toFixed(0)} fps | ${r.keystrokeMs.toFixed(1)} ms |`,
    ),
    '',
  ];
}
