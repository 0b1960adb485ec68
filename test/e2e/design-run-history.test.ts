/**
 * The foundation's promise, through a real browser: build Manual trigger → HTTP request →
 * JSONata transform → If on the canvas, save, run, and read the run in the history.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { connectHandles } from '../support/canvas.ts';
import { fillExpression } from '../support/expression-field.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  upstream = await startUpstream((request, response) => {
    if (request.url === '/orders') {
      sendJson(response, 200, {
        orders: [
          { id: 1, status: 'paid', total: 30 },
          { id: 2, status: 'open', total: 12 },
          { id: 3, status: 'paid', total: 8 },
        ],
      });
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  });
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

function connect(from: Locator, to: Locator): Promise<void> {
  return connectHandles(page, from, to);
}

describe('designing and running a flow in the browser', () => {
  it('builds trigger → HTTP → JSONata → If, runs it and shows every step in the history', async () => {
    await page.goto(`${server.baseUrl}/flows`);
    await page.getByTestId('create-flow').click();
    await page.getByTestId('create-flow-name').fill('Order sync');
    await page.getByTestId('create-flow-submit').click();
    await page.getByTestId('flow-editor').waitFor();
    await page.getByTestId('node-trigger').waitFor();

    // Drag each node type from the palette to its place on the canvas, left to right.
    const canvas = page.getByTestId('flow-canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('canvas not visible');
    // The new cards go in a row below the trigger, far enough apart that none covers another.
    const trigger = await page.getByTestId('node-trigger').boundingBox();
    if (!trigger) throw new Error('trigger not visible');
    const rowY = trigger.y - box.y + trigger.height + 140;
    const placements: [string, number][] = [
      ['http.request', 0.04],
      ['transform.jsonata', 0.37],
      ['logic.if', 0.7],
    ];
    for (const [type, fraction] of placements) {
      await page.getByTestId(`palette-${type}`).dragTo(canvas, {
        targetPosition: { x: box.width * fraction + 24, y: rowY },
      });
    }
    await page.getByTestId('node-http_request_1').waitFor();
    await page.getByTestId('node-transform_jsonata_1').waitFor();
    await page.getByTestId('node-logic_if_1').waitFor();

    if (process.env.E2E_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/layout.png` });
    await connect(
      page.getByTestId('handle-trigger-out-out'),
      page.getByTestId('handle-http_request_1-in-in'),
    );
    await connect(
      page.getByTestId('handle-http_request_1-out-out'),
      page.getByTestId('handle-transform_jsonata_1-in-in'),
    );
    await connect(
      page.getByTestId('handle-transform_jsonata_1-out-out'),
      page.getByTestId('handle-logic_if_1-in-in'),
    );

    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);

    await page.getByTestId('node-http_request_1').click();
    await fillExpression(page, 'field-url', `${upstream.url}/orders`);
    // The form follows the schema's x-ui hints: a body only with a body type, the timeout under
    // Advanced.
    expect(await page.getByTestId('field-body').count()).toBe(0);
    await page.getByTestId('field-bodyType').selectOption({ label: 'json' });
    await page.getByTestId('field-body').waitFor();
    await page.getByTestId('field-bodyType').selectOption({ label: 'none' });
    await expect.poll(() => page.getByTestId('field-body').count()).toBe(0);
    expect(await page.getByTestId('field-timeoutMs').isVisible()).toBe(false);
    await page.getByTestId('config-advanced').locator('summary').click();
    expect(await page.getByTestId('field-timeoutMs').isVisible()).toBe(true);
    await page.getByTestId('node-transform_jsonata_1').click();
    await fillExpression(page, 'field-expression', "$.body.orders[status='paid']");
    await page.getByTestId('node-logic_if_1').click();
    await fillExpression(page, 'field-condition', '$count($) > 1');

    if (process.env.E2E_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/editor.png` });
    await page.getByTestId('save-flow').click();
    await expect
      .poll(() => page.getByTestId('dirty-indicator').getAttribute('data-dirty'))
      .toBe('false');
    await expect
      .poll(() => page.getByTestId('problems-count').getAttribute('data-count'))
      .toBe('0');

    await page.getByTestId('run-flow').click();
    await page.getByTestId('run-input-submit').click();
    // The editor follows the run; its bar links to the run's page.
    await page.getByTestId('run-bar').waitFor();
    await page.getByTestId('run-bar-open').click();
    await page.getByTestId('run-detail').waitFor();
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('succeeded');

    if (process.env.E2E_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/run-detail.png` });
    for (const nodeId of ['trigger', 'http_request_1', 'transform_jsonata_1', 'logic_if_1']) {
      expect(await page.getByTestId(`step-${nodeId}`).getAttribute('data-status')).toBe(
        'succeeded',
      );
    }
    await page.getByTestId('step-transform_jsonata_1').click();
    const output = page.getByTestId('step-transform_jsonata_1-output');
    await output.waitFor();
    expect(await output.textContent()).toContain('"total": 30');
    expect(upstream.requests).toContainEqual({ method: 'GET', path: '/orders' });

    // The run canvas colours each node by its step status.
    await expect
      .poll(() => page.getByTestId('node-status-http_request_1').getAttribute('data-status'))
      .toBe('succeeded');

    // And the history lists the run.
    await page.getByTestId('open-editor').click();
    await page.getByTestId('run-history-link').click();
    await page.getByTestId('run-table').waitFor();
    const row = page.getByTestId('run-row-status').first();
    await expect.poll(() => row.textContent()).toMatch(/succeeded/i);
  });
});
