/**
 * Running from the editor: the Run dialog offers the trigger's sample input, runs with the edited
 * input, and the editor stays open while the run's steps turn running and then succeeded on its
 * canvas (runs.watch), redrawing only the nodes whose step changed, with the last run's input
 * and output in the inspector.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import {
  afterTwoFrames,
  nodeRenderCounts,
  REACT_RENDER_COUNTER_SCRIPT,
  resetNodeRenderCounts,
} from '../support/react-render-counter.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  createResponseGate,
  sendJson,
  startUpstream,
  type Upstream,
} from '../support/upstream-server.ts';

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let api: Api;
let browser: Browser;
let page: Page;
const gate = createResponseGate();

beforeAll(async () => {
  database = await createTestDatabase();
  upstream = await startUpstream((request, response) => {
    request.resume();
    gate.hold(() => sendJson(response, 200, { stock: 3 }));
  });
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(REACT_RENDER_COUNTER_SCRIPT);
  await signInThroughPage(page, server.baseUrl, server.admin);
}, 120_000);

afterAll(async () => {
  gate.release();
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

const status = (nodeId: string) =>
  page.getByTestId(`node-status-${nodeId}`).getAttribute('data-status');
const inputText = () => page.getByTestId('run-input-text');

describe('running from the editor', () => {
  it('runs with input and shows the run live on the canvas and in the inspector', async () => {
    const document = chainFlow('Live run', [
      {
        id: 'fetch',
        type: 'http.request',
        config: { method: 'POST', url: `${upstream.url}/stock` },
        policy: { retry: { maxAttempts: 1 } },
      },
      {
        id: 'shape',
        type: 'transform.jsonata',
        config: { expression: '{ "orderId": $trigger.orderId, "stock": body.stock }' },
      },
    ]);
    document.nodes[0]!.config = { sampleInput: { orderId: 42 } };
    const flowId = await importFlow(api, document);
    const editorUrl = `${server.baseUrl}/flows/${flowId}`;
    await page.goto(editorUrl);
    await page.getByTestId('node-shape').waitFor();

    // The dialog offers the manual trigger's sample input.
    await page.getByTestId('run-flow').click();
    const dialog = page.getByRole('dialog', { name: 'Run flow' });
    await dialog.waitFor();
    expect(JSON.parse(await inputText().inputValue())).toEqual({ orderId: 42 });

    // A mistake is named with its line, and Run waits for valid JSON.
    await inputText().fill('{\n  "orderId": \n}');
    await expect.poll(() => page.getByTestId('run-input-error').textContent()).toMatch(/^Line 3:/);
    expect(await page.getByTestId('run-input-submit').isDisabled()).toBe(true);

    await inputText().fill('{ "orderId": 7 }');
    await expect.poll(() => page.getByTestId('run-input-error').count()).toBe(0);
    await inputText().press('Control+Enter');
    // Closed once the server has started the run.
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false);
    expect(page.url()).toBe(editorUrl);

    // Live: the HTTP step waits on the held upstream, the transform has not run yet.
    await expect.poll(() => status('fetch'), { timeout: 30_000 }).toBe('running');
    expect(await status('shape')).toBe('pending');
    expect(await page.getByTestId('run-bar').getAttribute('data-kind')).toBe('live');
    expect(await page.getByTestId('run-bar-status').getAttribute('data-status')).toBe('running');
    expect(gate.held).toBe(1);
    expect(await status('trigger')).toBe('succeeded');

    // A card that just grew a status line is measured and redrawn in the next frame: let that land.
    await afterTwoFrames(page);
    await resetNodeRenderCounts(page);
    gate.release();
    await expect.poll(() => status('shape'), { timeout: 30_000 }).toBe('succeeded');
    expect(await status('fetch')).toBe('succeeded');
    // Each node selects its own step: the trigger's did not change, so it was not redrawn.
    const counts = await nodeRenderCounts(page);
    expect(counts.fetch).toBeGreaterThan(0);
    expect(counts.shape).toBeGreaterThan(0);
    expect(counts.trigger).toBeUndefined();
    await expect
      .poll(() => page.getByTestId('run-bar-status').getAttribute('data-status'))
      .toBe('succeeded');
    expect(page.url()).toBe(editorUrl);
    // The edges the run followed are highlighted.
    const edgeClass = () => page.getByTestId('rf__edge-e2').getAttribute('class');
    await expect.poll(edgeClass).toContain('edge--taken');
    // Showing a run changes nothing in the flow.
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');

    // The inspector shows the node's input and output from the run; each key drags as a path.
    await page.getByTestId('node-shape').click();
    const section = page.getByTestId('last-run');
    await section.waitFor();
    expect(await page.getByTestId('last-run-status').getAttribute('data-status')).toBe('succeeded');
    const output = page.getByTestId('last-run-output');
    expect(await output.textContent()).toContain('"orderId": 7');
    expect(await output.textContent()).toContain('"stock": 3');
    const stockLine = output.locator('[data-path="$nodes.shape.stock"]');
    expect(await stockLine.getAttribute('draggable')).toBe('true');
    expect(await page.getByTestId('last-run-input').textContent()).toContain('"stock": 3');
    expect(
      await page.getByTestId('last-run-input').locator('[data-path="$.body.stock"]').count(),
    ).toBe(1);

    // The trigger node shows the run's input.
    await page.getByTestId('node-trigger').click();
    expect(await page.getByTestId('last-run-trigger-input').textContent()).toContain(
      '"orderId": 7',
    );

    // The dialog remembers the input last run.
    await page.getByTestId('run-flow').click();
    await dialog.waitFor();
    expect(JSON.parse(await inputText().inputValue())).toEqual({ orderId: 7 });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // The server ran it with that input.
    const runId = await page.getByTestId('run-bar').getAttribute('data-run-id');
    expect(runId).toBeTruthy();
    expect((await api.runs.get.query({ id: runId ?? '' })).input).toEqual({ orderId: 7 });

    // Dismiss clears the run from the canvas and the inspector.
    await page.getByTestId('run-bar-dismiss').click();
    await expect.poll(() => page.getByTestId('node-status-fetch').count()).toBe(0);
    expect(await page.getByTestId('last-run').count()).toBe(0);
    expect(await edgeClass()).not.toContain('edge--taken');
  }, 120_000);
});
