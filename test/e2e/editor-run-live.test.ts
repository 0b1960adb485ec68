/**
 * Running from the editor: the Run dialog offers the trigger's sample input, runs with the edited
 * input, and the editor stays open while the run's steps turn running and then succeeded on its
 * canvas (runs.watch), redrawing only the nodes whose step changed, with the last run's input
 * and output in the inspector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, importFlow } from '../support/api-client.ts';
import { useBrowserApp } from '../support/browser-app.ts';
import {
  afterTwoFrames,
  nodeRenderCounts,
  REACT_RENDER_COUNTER_SCRIPT,
  resetNodeRenderCounts,
} from '../support/react-render-counter.ts';
import {
  createResponseGate,
  sendJson,
  startUpstream,
  type Upstream,
} from '../support/upstream-server.ts';

let upstream: Upstream;
const gate = createResponseGate();

const app = useBrowserApp({
  viewport: { width: 1440, height: 900 },
  beforeSignIn: (page) => page.addInitScript(REACT_RENDER_COUNTER_SCRIPT),
});

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    request.resume();
    gate.hold(() => sendJson(response, 200, { stock: 3 }));
  });
}, 120_000);

afterAll(async () => {
  gate.release();
  await upstream?.close();
});

const status = (nodeId: string) =>
  app.page.getByTestId(`node-status-${nodeId}`).getAttribute('data-status');
const inputText = () => app.page.getByTestId('run-input-text');

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
    const flowId = await importFlow(app.api, document);
    const editorUrl = `${app.server.baseUrl}/flows/${flowId}`;
    await app.page.goto(editorUrl);
    await app.page.getByTestId('node-shape').waitFor();

    // The dialog offers the manual trigger's sample input.
    await app.page.getByTestId('run-flow').click();
    const dialog = app.page.getByRole('dialog', { name: 'Run flow' });
    await dialog.waitFor();
    expect(JSON.parse(await inputText().inputValue())).toEqual({ orderId: 42 });

    // A mistake is named with its line, and Run waits for valid JSON.
    await inputText().fill('{\n  "orderId": \n}');
    await expect
      .poll(() => app.page.getByTestId('run-input-error').textContent())
      .toMatch(/^Line 3:/);
    expect(await app.page.getByTestId('run-input-submit').isDisabled()).toBe(true);

    await inputText().fill('{ "orderId": 7 }');
    await expect.poll(() => app.page.getByTestId('run-input-error').count()).toBe(0);
    await inputText().press('Control+Enter');
    // Closed once the app.server has started the run.
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false);
    expect(app.page.url()).toBe(editorUrl);

    // Live: the HTTP step waits on the held upstream, the transform has not run yet.
    await expect.poll(() => status('fetch'), { timeout: 30_000 }).toBe('running');
    expect(await status('shape')).toBe('pending');
    expect(await app.page.getByTestId('run-bar').getAttribute('data-kind')).toBe('live');
    expect(await app.page.getByTestId('run-bar-status').getAttribute('data-status')).toBe(
      'running',
    );
    expect(gate.held).toBe(1);
    expect(await status('trigger')).toBe('succeeded');

    // A card that just grew a status line is measured and redrawn in the next frame: let that land.
    await afterTwoFrames(app.page);
    await resetNodeRenderCounts(app.page);
    gate.release();
    await expect.poll(() => status('shape'), { timeout: 30_000 }).toBe('succeeded');
    expect(await status('fetch')).toBe('succeeded');
    // Each node selects its own step: the trigger's did not change, so it was not redrawn.
    const counts = await nodeRenderCounts(app.page);
    expect(counts.fetch).toBeGreaterThan(0);
    expect(counts.shape).toBeGreaterThan(0);
    expect(counts.trigger).toBeUndefined();
    await expect
      .poll(() => app.page.getByTestId('run-bar-status').getAttribute('data-status'))
      .toBe('succeeded');
    expect(app.page.url()).toBe(editorUrl);
    // The edges the run followed are highlighted.
    const edgeClass = () => app.page.getByTestId('rf__edge-e2').getAttribute('class');
    await expect.poll(edgeClass).toContain('edge--taken');
    // Showing a run changes nothing in the flow.
    expect(await app.page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');

    // The inspector shows the node's input and output from the run; each key drags as a path.
    await app.page.getByTestId('node-shape').click();
    const section = app.page.getByTestId('last-run');
    await section.waitFor();
    expect(await app.page.getByTestId('last-run-status').getAttribute('data-status')).toBe(
      'succeeded',
    );
    const output = app.page.getByTestId('last-run-output');
    expect(await output.textContent()).toContain('"orderId": 7');
    expect(await output.textContent()).toContain('"stock": 3');
    const stockLine = output.locator('[data-path="$nodes.shape.stock"]');
    expect(await stockLine.getAttribute('draggable')).toBe('true');
    expect(await app.page.getByTestId('last-run-input').textContent()).toContain('"stock": 3');
    expect(
      await app.page.getByTestId('last-run-input').locator('[data-path="$.body.stock"]').count(),
    ).toBe(1);

    // The trigger node shows the run's input.
    await app.page.getByTestId('node-trigger').click();
    expect(await app.page.getByTestId('last-run-trigger-input').textContent()).toContain(
      '"orderId": 7',
    );

    // The dialog remembers the input last run.
    await app.page.getByTestId('run-flow').click();
    await dialog.waitFor();
    expect(JSON.parse(await inputText().inputValue())).toEqual({ orderId: 7 });
    await app.page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // The app.server ran it with that input.
    const runId = await app.page.getByTestId('run-bar').getAttribute('data-run-id');
    expect(runId).toBeTruthy();
    expect((await app.api.runs.get.query({ id: runId ?? '' })).input).toEqual({ orderId: 7 });

    // Dismiss clears the run from the canvas and the inspector.
    await app.page.getByTestId('run-bar-dismiss').click();
    await expect.poll(() => app.page.getByTestId('node-status-fetch').count()).toBe(0);
    expect(await app.page.getByTestId('last-run').count()).toBe(0);
    expect(await edgeClass()).not.toContain('edge--taken');
  }, 120_000);
});
