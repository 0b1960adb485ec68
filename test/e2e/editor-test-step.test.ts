/**
 * Test one step in the editor, through a real browser: pin an HTTP node's output, test the
 * JSONata node after it with that pinned data (the upstream is never called, no run is made,
 * the test is recorded), undo the pin, and keep a pin across save and reload.
 */
import type { FlowDocument } from '@patchbay/engine';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi, importFlow, waitForRunsFinal } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let browser: Browser;
let api: Api;
let flowId: string;

const PINNED = { status: 200, body: { items: [{ price: 3 }, { price: 4 }] } };

beforeAll(async () => {
  database = await createTestDatabase();
  // Echoes the request: an answer from here would look nothing like the pinned data.
  upstream = await startUpstream((request, response) =>
    sendJson(response, 200, { echo: { method: request.method, url: request.url } }),
  );
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  flowId = await importFlow(api, orderTotalFlow('Order total'));
  browser = await launchBrowser();
});

function orderTotalFlow(name: string): FlowDocument {
  return {
    version: 1,
    name,
    nodes: [
      {
        id: 'start',
        type: 'trigger.manual',
        position: { x: 0, y: 0 },
        config: { sampleInput: { orderId: 42 } },
      },
      {
        id: 'fetch',
        type: 'http.request',
        label: 'Fetch order',
        position: { x: 320, y: 0 },
        config: { method: 'GET', url: `${upstream.url}/orders/42` },
      },
      {
        id: 'total',
        type: 'transform.jsonata',
        position: { x: 640, y: 0 },
        config: {
          expression:
            '{ "total": $sum($.body.items.price), "status": $nodes.fetch.status, "order": $trigger.orderId }',
        },
      },
      {
        id: 'orphan',
        type: 'transform.jsonata',
        position: { x: 640, y: 240 },
        config: { expression: '$' },
      },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'fetch' },
      { id: 'e2', source: 'fetch', target: 'total' },
    ],
  };
}

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

async function openFlow(page: Page, id = flowId): Promise<void> {
  await page.goto(`${server.baseUrl}/flows/${id}`);
  await page.getByTestId('node-total').waitFor();
}

/** Pins `value` on the selected node through the pinned-output JSON editor. */
async function writePinnedJson(page: Page, text: string): Promise<void> {
  const section = page.getByTestId('step-test-section');
  await section.getByTestId('pin-output-json').click();
  await section.getByLabel('Pinned output (JSON)').fill(text);
}

describe('test one step in the editor', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await signInThroughPage(page, server.baseUrl, server.admin);
    page.on('dialog', (dialog) => void dialog.accept());
  });
  afterAll(() => context?.close());

  it('tests one step with pinned data: no upstream call, no run, the test recorded', async () => {
    await openFlow(page);
    const section = page.getByTestId('step-test-section');

    // Pin the HTTP node's output by writing it; bad JSON is refused inline first.
    await page.getByTestId('node-fetch').click();
    await writePinnedJson(page, '{ "status": 200,');
    await expect
      .poll(() => page.getByTestId('pinned-output-editor-parse-error').isVisible())
      .toBe(true);
    expect(await section.getByTestId('save-pinned-output').isDisabled()).toBe(true);
    await section.getByLabel('Pinned output (JSON)').fill(JSON.stringify(PINNED));
    await section.getByTestId('save-pinned-output').click();
    await section.getByTestId('pinned-output-json').waitFor();
    const marker = page.getByTestId('node-pinned-fetch');
    expect(await marker.getAttribute('aria-label')).toBe('Output pinned');
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('true');

    // Test the JSONata node: the flow has no run, so upstream data is the pin and sample input.
    await page.getByTestId('node-total').click();
    expect(await section.getByTestId('step-test-source').textContent()).toContain('pinned outputs');
    expect(await section.getByTestId('upstream-fetch').getAttribute('data-source')).toBe('pinned');
    expect(await section.getByTestId('upstream-fetch').textContent()).toContain('pinned');
    await section.getByTestId('test-step').click();
    const result = section.getByTestId('step-test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('succeeded');
    const output = await section.getByTestId('step-test-output').textContent();
    expect(output).toContain('"total": 7');
    expect(output).toContain('"status": 200');
    expect(output).toContain('"order": 42');

    // The pinned data stood in for the HTTP call; nothing ran as a run; the test is recorded.
    expect(upstream.requests).toEqual([]);
    expect((await api.runs.list.query({ flowId })).items).toEqual([]);
    const tests = await api.flows.stepTests.query({ flowId, nodeId: 'total' });
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({
      status: 'succeeded',
      output: { total: 7, status: 200, order: 42 },
      sourceRunId: null,
    });
    await section.getByTestId('recent-step-tests').waitFor();

    // Keyboard: Ctrl+Enter in the section tests again.
    await section.getByTestId('test-step').focus();
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () => (await api.flows.stepTests.query({ flowId, nodeId: 'total' })).length)
      .toBe(2);

    // The pin is one edit: undo takes it away, from the card and from the next test's data.
    await page.keyboard.press('Control+z');
    await marker.waitFor({ state: 'detached' });
    await page.getByTestId('node-total').click();
    expect(await section.getByTestId('upstream-fetch').getAttribute('data-source')).toBe('missing');
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');
    await page.keyboard.press('Control+Shift+z');
    await marker.waitFor();
    // Back to the saved flow (clean, no draft left), as the next test expects.
    await page.keyboard.press('Control+z');
    await marker.waitFor({ state: 'detached' });
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');
  });

  it('pins a tested output with one click, keeps it across save and reload, and unpins', async () => {
    await openFlow(page);
    const section = page.getByTestId('step-test-section');
    await page.getByTestId('node-fetch').click();
    await writePinnedJson(page, JSON.stringify(PINNED));
    await section.getByTestId('save-pinned-output').click();
    await page.getByTestId('node-total').click();
    await section.getByTestId('test-step').click();
    await section.getByTestId('step-test-result').waitFor();
    await section.getByTestId('pin-output').click();
    await page.getByTestId('node-pinned-total').waitFor();
    expect(await section.getByTestId('pinned-output-json').textContent()).toContain('"total"');

    await page.keyboard.press('Control+s');
    await expect
      .poll(() => page.getByTestId('dirty-indicator').getAttribute('data-dirty'))
      .toBe('false');
    const saved = await api.flows.get.query({ id: flowId });
    const node = saved.document.nodes.find((candidate) => candidate.id === 'total');
    expect(node?.pinnedOutput).toMatchObject({ total: expect.any(Number) });

    await page.reload();
    await page.getByTestId('node-pinned-total').waitFor();
    await page.getByTestId('node-total').click();
    await section.getByTestId('unpin-output').click();
    await page.getByTestId('node-pinned-total').waitFor({ state: 'detached' });
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('true');
  });

  it("tests with the latest run's upstream data, a pinned output winning over the run's", async () => {
    const ranId = await importFlow(api, orderTotalFlow('Order total, run'));
    const { runId } = await api.flows.run.mutate({ id: ranId, input: { orderId: 5 } });
    await waitForRunsFinal(database.url, [runId], 30_000);
    const callsByTheRun = upstream.requests.length;
    expect(callsByTheRun).toBeGreaterThan(0);

    await openFlow(page, ranId);
    const section = page.getByTestId('step-test-section');
    await page.getByTestId('node-total').click();
    await expect
      .poll(() => section.getByTestId('step-test-source').textContent())
      .toContain(`Upstream data from run #${runId.slice(0, 8)}`);
    expect(await section.getByTestId('upstream-fetch').textContent()).toContain(
      'output from the run',
    );
    await section.getByTestId('test-step').click();
    await section.getByTestId('step-test-result').waitFor();
    // The run's HTTP output (the echo's status) and its input; the upstream is not called again.
    expect(await section.getByTestId('step-test-output').textContent()).toContain('"order": 5');
    expect(upstream.requests).toHaveLength(callsByTheRun);
    const [recorded] = await api.flows.stepTests.query({ flowId: ranId, nodeId: 'total' });
    expect(recorded).toMatchObject({ sourceRunId: runId, output: { status: 200, order: 5 } });

    // Pin the HTTP output: the next test takes it instead of the run's.
    await page.getByTestId('node-fetch').click();
    await writePinnedJson(page, JSON.stringify(PINNED));
    await section.getByTestId('save-pinned-output').click();
    await page.getByTestId('node-total').click();
    expect(await section.getByTestId('upstream-fetch').getAttribute('data-source')).toBe('pinned');
    await section.getByTestId('test-step').click();
    await expect
      .poll(() => section.getByTestId('step-test-output').textContent())
      .toContain('"total": 7');
    expect(upstream.requests).toHaveLength(callsByTheRun);
  });

  it('says plainly why a step cannot be tested', async () => {
    await openFlow(page);
    const section = page.getByTestId('step-test-section');
    // The trigger offers its sample data to pin, not a test.
    await page.getByTestId('node-start').click();
    expect(await section.getByTestId('test-step').count()).toBe(0);
    await section.getByTestId('pin-output-json').click();
    expect(await section.getByLabel('Pinned output (JSON)').inputValue()).toContain('"orderId"');

    await section.getByRole('button', { name: 'Cancel' }).click();

    // A node no run reaches: the server's reason, naming the node, shows inline.
    await page.getByTestId('node-orphan').click();
    expect(await section.getByTestId('step-test-source').textContent()).toContain(
      'Nothing is connected',
    );
    await section.getByTestId('test-step').click();
    const refusal = section.getByTestId('step-test-error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('role')).toBe('alert');
    expect(await refusal.textContent()).toContain(
      'Node "orphan" is not connected to the flow\'s trigger',
    );

    // A pinned output over the size limit: the save validation's issue shows beside the pin.
    await writePinnedJson(page, JSON.stringify({ blob: 'x'.repeat(300_000) }));
    await section.getByTestId('save-pinned-output').click();
    const issues = section.getByTestId('pinned-output-issues');
    await issues.waitFor();
    expect(await issues.textContent()).toContain(
      'A pinned output may be at most 256 KiB of JSON (it is 293 KiB)',
    );
  });
});
