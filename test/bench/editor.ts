/**
 * `pnpm bench editor` (issue 9): how the flow editor copes with big flows, in headless Debian
 * Chromium (software rendering: no GPU, so frame rates are a floor, not what a laptop shows).
 *
 * Starts the server (production build of the web app, a fresh database), imports one flow per size
 * in BENCH_EDITOR_SIZES (default "100,500,1000" nodes: a manual trigger and JSONata transforms in
 * a grid of 25 columns, each connected to the next), and for each size reports the median of
 * BENCH_EDITOR_REPEAT (3) rounds of:
 * - open: from navigating to /flows/<id> until a measured (visible) node is on the canvas and two
 *   more frames have passed;
 * - then the gestures and typing below twice per size: in the view the editor opens the flow in,
 *   and zoomed out to the whole flow (the canvas's fit-view control);
 * - pan and zoom fps: while the mouse drags the pane (pan) or turns the wheel over it (zoom) for
 *   BENCH_EDITOR_GESTURE_MS (2000) each, events sent back to back, the frames per second that
 *   showed a new view. A frame counts only when the viewport's transform differs from the previous
 *   frame's, so idle frames (headless rAF is not vsync-capped) are not counted, and a frame the
 *   main thread was too busy to produce is missing. Frames longer than 50 ms during the gesture
 *   come from the Long Animation Frames API ("long frames").
 * - keystroke: main-thread time of one character typed into the selected node's label field (mean
 *   of 30, one character per frame): from the input event through React's commit (the store's
 *   subscribers re-render synchronously), plus the next frame's rendering work (rAF callbacks,
 *   style, layout, ResizeObserver re-measures of the node, paint), measured from that frame's start
 *   to the first task after it. Idle time waiting for the frame is not counted. Beside it, the same
 *   typing into a plain input on the same page, wired to nothing: the browser's own floor.
 */
import type { FlowDocument } from '@patchbay/engine';
import type { Page } from 'playwright-core';
import { type Api, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { startServer } from '../support/server-process.ts';
import { createTestDatabase } from '../support/test-database.ts';

/** Where the gestures and typing happen: as the editor opens the flow, or zoomed out to all of it. */
export type EditorView = 'opening' | 'whole flow';

export type EditorSizeResult = {
  nodes: number;
  view: EditorView;
  openMs: number;
  renderedNodes: number;
  panFps: number;
  panLongFrames: number;
  zoomFps: number;
  zoomLongFrames: number;
  keystrokeMs: number;
  /** The same typing into a plain input wired to nothing, on the same page: the browser's floor. */
  plainKeystrokeMs: number;
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

type GestureFrames = { fps: number; longFrames: number };

/**
 * Runs `gesture` and counts the frames that showed a new view of the canvas (its viewport
 * transform changed since the previous frame) and the long animation frames (over 50 ms).
 */
async function gestureFrames(page: Page, gesture: () => Promise<void>): Promise<GestureFrames> {
  // Strings, not functions: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const viewport = document.querySelector('.react-flow__viewport');
    const state = { counting: true, frames: 0, last: viewport.style.transform, long: 0 };
    state.started = performance.now();
    window.__benchFrames = state;
    state.observer = new PerformanceObserver((list) => {
      state.long += list.getEntries().filter((entry) => entry.startTime >= state.started).length;
    });
    state.observer.observe({ type: 'long-animation-frame', buffered: false });
    const tick = () => {
      if (!state.counting) return;
      const transform = viewport.style.transform;
      if (transform !== state.last) {
        state.frames++;
        state.last = transform;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await gesture();
  return page.evaluate<GestureFrames>(`new Promise((resolve) => {
    const state = window.__benchFrames;
    const elapsed = performance.now() - state.started;
    state.counting = false;
    // Let the observer deliver the gesture's last long frames.
    requestAnimationFrame(() => setTimeout(() => {
      state.observer.disconnect();
      resolve({ fps: (state.frames * 1000) / elapsed, longFrames: state.long });
    }, 0));
  })`);
}

async function measureSize(
  page: Page,
  baseUrl: string,
  flowId: string,
  gestureMs: number,
  view: EditorView,
): Promise<Omit<EditorSizeResult, 'nodes' | 'view'>> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('user-menu').waitFor();
  const openStarted = performance.now();
  await page.goto(`${baseUrl}/flows/${flowId}`);
  await page.locator('.react-flow__node').first().waitFor({ timeout: 120_000 });
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
  const openMs = performance.now() - openStarted;
  if (view === 'whole flow') {
    // The canvas's "fit view" control: every node in view, at the minimum zoom for a big flow.
    await page.locator('.react-flow__controls-fitview').click();
    await page.evaluate(
      'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
    );
  }
  const renderedNodes = await page.locator('.react-flow__node').count();

  const pane = page.locator('.react-flow__pane');
  const box = await pane.boundingBox();
  if (!box) throw new Error('the canvas pane has no box');
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  // Pressing on a node would drag it (and edit the flow) instead of panning: start on empty pane.
  const panFrom = await page.evaluate<{ x: number; y: number } | null>(`(() => {
    const pane = document.querySelector('.react-flow__pane');
    const box = pane.getBoundingClientRect();
    for (let y = box.top + box.height / 2; y < box.bottom - 20; y += 7) {
      for (let x = box.left + box.width / 2; x < box.right - 20; x += 13) {
        if (document.elementFromPoint(x, y) === pane) return { x, y };
      }
    }
    return null;
  })()`);
  if (!panFrom) throw new Error('no empty spot on the pane to start a pan from');

  const pan = await gestureFrames(page, async () => {
    await page.mouse.move(panFrom.x, panFrom.y);
    await page.mouse.down();
    const end = performance.now() + gestureMs;
    let step = 0;
    while (performance.now() < end) {
      step++;
      const angle = step / 20;
      await page.mouse.move(panFrom.x + Math.cos(angle) * 200, panFrom.y + Math.sin(angle) * 150);
    }
    await page.mouse.up();
  });

  const zoom = await gestureFrames(page, async () => {
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
  const keystrokeMs = await page.evaluate<number>(keystrokeScript('[data-testid="field-label"]'));
  // The same typing into a plain input beside the canvas, wired to nothing: the browser's own
  // cost of a keystroke on this page (style, layout, paint, compositing of what is on screen).
  await page.evaluate(`(() => {
    const input = document.createElement('input');
    input.id = 'bench-plain-input';
    input.setAttribute('aria-label', 'bench');
    document.querySelector('.inspector').prepend(input);
    input.focus();
  })()`);
  const plainKeystrokeMs = await page.evaluate<number>(keystrokeScript('#bench-plain-input'));
  return {
    openMs,
    renderedNodes,
    panFps: pan.fps,
    panLongFrames: pan.longFrames,
    zoomFps: zoom.fps,
    zoomLongFrames: zoom.longFrames,
    keystrokeMs,
    plainKeystrokeMs,
  };
}

/**
 * Page script: the mean main-thread time of 30 characters typed into `selector`, one per frame:
 * from the input event through React's commit (the store's subscribers re-render synchronously),
 * plus the next frame's rendering work (rAF callbacks, style, layout, ResizeObserver re-measures,
 * paint), from that frame's start to the first task after it. Idle time is not counted.
 */
function keystrokeScript(selector: string): string {
  return `(async () => {
    const input = document.querySelector(${JSON.stringify(selector)});
    if (!input) throw new Error('no field to type into');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const times = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      setValue.call(input, input.value + 'x');
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await Promise.resolve();
      const committed = performance.now();
      const frameStart = await new Promise((resolve) => requestAnimationFrame(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
      times.push(committed - started + (performance.now() - frameStart));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return times.reduce((sum, time) => sum + time, 0) / times.length;
  })()`;
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
      for (const view of ['opening', 'whole flow'] as const) {
        const rounds: Omit<EditorSizeResult, 'nodes' | 'view'>[] = [];
        for (let round = 0; round < options.repeat; round++) {
          rounds.push(
            await measureSize(page, server.baseUrl, flowIds.get(size)!, options.gestureMs, view),
          );
        }
        results.push({
          nodes: size,
          view,
          openMs: median(rounds.map((r) => r.openMs)),
          renderedNodes: median(rounds.map((r) => r.renderedNodes)),
          panFps: median(rounds.map((r) => r.panFps)),
          panLongFrames: median(rounds.map((r) => r.panLongFrames)),
          zoomFps: median(rounds.map((r) => r.zoomFps)),
          zoomLongFrames: median(rounds.map((r) => r.zoomLongFrames)),
          keystrokeMs: median(rounds.map((r) => r.keystrokeMs)),
          plainKeystrokeMs: median(rounds.map((r) => r.plainKeystrokeMs)),
        });
        console.error(JSON.stringify(results.at(-1)));
      }
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
    '| nodes | view | open | nodes in the DOM | pan (long frames) | zoom (long frames) | per keystroke (label field) | plain input on the page |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.nodes} | ${r.view} | ${r.view === 'opening' ? `${Math.round(r.openMs)} ms` : '–'} | ${r.renderedNodes} | ${r.panFps.toFixed(0)} fps (${r.panLongFrames}) | ${r.zoomFps.toFixed(0)} fps (${r.zoomLongFrames}) | ${r.keystrokeMs.toFixed(1)} ms | ${r.plainKeystrokeMs.toFixed(1)} ms |`,
    ),
    '',
  ];
}
