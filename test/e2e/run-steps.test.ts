/**
 * The run detail's step list on a long run: a flow of 500 nodes (the most a flow may hold), a
 * third of them failing once and retried, executes 666 step attempts. The list shows one row per
 * node, in execution order with its step number and label, and keeps only a window of rows in
 * the DOM; the last step is reached by scrolling and by the End key, and a node clicked on the
 * canvas scrolls its row into view.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi, importFlow, waitForRunsFinal } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

type FlowDocument = Parameters<typeof importFlow>[1];

const NODES = 499; // plus the trigger: 500
const COLUMNS = 25;
const isFlaky = (n: number) => n % 3 === 0;
const FLAKY = Array.from({ length: NODES }, (_, i) => i + 1).filter(isFlaky).length;
const TOTAL_STEPS = 1 + NODES + FLAKY;

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let api: Api;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  const failedOnce = new Set<string>();
  upstream = await startUpstream((request, response) => {
    const path = request.url ?? '/';
    if (!failedOnce.has(path)) {
      failedOnce.add(path);
      sendJson(response, 503, { error: 'try again' });
      return;
    }
    sendJson(response, 200, { ok: true });
  });
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

const nodeId = (n: number) => `n${n}`;
const label = (n: number) => `Step ${String(n).padStart(3, '0')}`;

/** trigger → n1 → … → n499 in a grid, so the whole flow fits the run canvas. */
function longFlow(): FlowDocument {
  const nodes = [
    {
      id: 'trigger',
      type: 'trigger.manual',
      label: 'Start',
      position: { x: 0, y: 0 },
      config: {},
    },
    ...Array.from({ length: NODES }, (_, i) => {
      const n = i + 1;
      const position = { x: (n % COLUMNS) * 240, y: Math.floor(n / COLUMNS) * 140 };
      return isFlaky(n)
        ? {
            id: nodeId(n),
            type: 'http.request',
            label: label(n),
            position,
            config: { method: 'POST', url: `${upstream.url}/flaky/${n}` },
            policy: {
              retry: { maxAttempts: 2, initialDelayMs: 5, jitter: 0 },
              breaker: { enabled: false },
            },
          }
        : {
            id: nodeId(n),
            type: 'transform.jsonata',
            label: label(n),
            position,
            config: { expression: `{ "n": ${n} }` },
          };
    }),
  ];
  const ids = nodes.map((node) => node.id);
  return {
    version: 1,
    name: 'Five hundred steps',
    nodes,
    edges: ids.slice(1).map((target, i) => ({ id: `e${i + 1}`, source: ids[i]!, target })),
  } as FlowDocument;
}

/** The test id of the step row whose button has focus. */
const focusedRow = () =>
  page.locator('li[data-seq]:has(> button:focus)').getAttribute('data-testid', { timeout: 1_000 });

/** How many step rows the list has in the DOM. */
const renderedRows = () => page.getByTestId('step-list').locator('li[data-seq]').count();

describe('the step list of a long run', () => {
  it('is numbered in execution order, labelled, virtualised, and scrolls to the last step', async () => {
    const flowId = await importFlow(api, longFlow());
    const { runId } = await api.flows.run.mutate({ id: flowId });
    expect((await waitForRunsFinal(database.url, [runId], 60_000)).get(runId)).toBe('succeeded');

    const run = await api.runs.get.query({ id: runId });
    expect(run.steps).toHaveLength(TOTAL_STEPS);
    expect(run.steps.map((step) => step.seq)).toEqual(
      Array.from({ length: TOTAL_STEPS }, (_, i) => i + 1),
    );

    await page.goto(`${server.baseUrl}/runs/${runId}`);
    await page.getByTestId('step-trigger').waitFor();
    expect(await page.getByTestId('step-list').locator('ol').getAttribute('data-count')).toBe(
      '500',
    );
    await expect.poll(() => page.getByTestId('step-label-trigger').textContent()).toBe('Start');
    expect(await page.getByTestId('step-seq-trigger').textContent()).toBe('#1');
    // n3 failed once, so n4 comes two numbers after it.
    expect(await page.getByTestId('step-seq-n3').textContent()).toBe('#4');
    expect(await page.getByTestId('step-seq-n4').textContent()).toBe('#6');
    expect(await page.getByTestId('step-label-n4').textContent()).toBe(label(4));

    const windowSize = await renderedRows();
    expect(windowSize).toBeGreaterThan(5);
    expect(windowSize).toBeLessThan(80);
    expect(await page.getByTestId(`step-${nodeId(NODES)}`).count()).toBe(0);

    // Scrolling to the bottom renders the last rows (and drops the first).
    await page.getByTestId('step-list').evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    const last = page.getByTestId(`step-${nodeId(NODES)}`);
    await last.waitFor();
    expect(await page.getByTestId(`step-label-${nodeId(NODES)}`).textContent()).toBe(label(NODES));
    expect(await page.getByTestId(`step-seq-${nodeId(NODES)}`).textContent()).toBe(
      `#${TOTAL_STEPS}`,
    );
    await expect.poll(() => page.getByTestId('step-trigger').count()).toBe(0);
    expect(await renderedRows()).toBeLessThan(80);

    // Keyboard: Home goes back to the first row, End to the last, with focus on it.
    await last.locator('button.step-row__summary').focus();
    await page.keyboard.press('Home');
    await page.getByTestId('step-trigger').waitFor();
    await expect.poll(() => focusedRow()).toBe('step-trigger');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedRow()).toBe('step-n1');
    await page.keyboard.press('End');
    await expect.poll(() => focusedRow()).toBe(`step-${nodeId(NODES)}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => last.getAttribute('class')).toContain('is-expanded');
    // The canvas follows the list's selection.
    await expect
      .poll(() =>
        page.locator(`.react-flow__node[data-id="${nodeId(NODES)}"]`).getAttribute('class'),
      )
      .toContain('selected');

    // And the list follows the canvas: a node near the middle is scrolled to and expanded.
    await page.keyboard.press('Home');
    const middle = nodeId(250);
    expect(await page.getByTestId(`step-${middle}`).count()).toBe(0);
    await page.locator(`.react-flow__node[data-id="${middle}"]`).click();
    await expect
      .poll(() => page.getByTestId(`step-${middle}`).getAttribute('class'))
      .toContain('is-expanded');
    expect(await page.getByTestId(`step-seq-${middle}`).textContent()).toBe(
      `#${250 + Math.floor(249 / 3) + 1}`,
    );

    // A retried node's attempts carry their own numbers: n249 failed once, then succeeded.
    await page.getByTestId('step-n249').locator('button.step-row__summary').click();
    await page.getByTestId('attempt-n249-2').waitFor();
    expect(await page.getByTestId('attempt-n249-1').locator('.attempt__seq').textContent()).toBe(
      '#332',
    );
    expect(await page.getByTestId('attempt-n249-2').locator('.attempt__seq').textContent()).toBe(
      '#333',
    );
  });
});
