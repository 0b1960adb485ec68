/**
 * Issue 7's promise, through a real browser: a newcomer creates an hmacSecret credential, builds
 * trigger.webhook (sync, signed) → transform.jsonata on the canvas, switches the flow on and
 * copies its URL; a signed POST gets the flow's result in the HTTP response, a bad signature gets
 * 401 and no run, a repeated delivery id no second run, and the flow switched off answers 404.
 * The secret appears in no API response (the API client and the page are checked).
 * Needs the built web app (`pnpm --filter @patchbay/web build`).
 */
import { createHmac } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { connectHandles } from '../support/canvas.ts';
import { fillExpression } from '../support/expression-field.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const SECRET = 'whsec-e2e-4f1d2a9c8b7e6d5c';
const POLL = { timeout: 15_000 };

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.baseUrl,
  });
  page = await context.newPage();
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

function connect(from: Locator, to: Locator): Promise<void> {
  return connectHandles(page, from, to);
}

function sign(body: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('a signed webhook flow built in the browser', () => {
  it('answers a signed request with the flow result, refuses bad signatures and repeats, and 404s once off', async () => {
    // 1. The credential, through the Credentials page.
    await page.goto(`${server.baseUrl}/credentials`);
    await page.getByTestId('credentials-page').waitFor();
    await page.getByTestId('create-credential').click();
    await page.getByTestId('credential-name').fill('GitHub hook secret');
    await page.getByTestId('credential-type').selectOption('hmacSecret');
    await page.getByTestId('credential-field-secret').fill(SECRET);
    await page.getByTestId('credential-submit').click();
    await page.getByTestId('credential-row-GitHub hook secret').waitFor();

    // 2. A flow: webhook trigger → JSONata transform.
    await page.goto(`${server.baseUrl}/flows`);
    await page.getByTestId('create-flow').click();
    await page.getByTestId('create-flow-name').fill('Signed orders');
    await page.getByTestId('create-flow-submit').click();
    await page.getByTestId('flow-editor').waitFor();
    await page.getByTestId('node-trigger').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-trigger').count()).toBe(0);
    const canvas = page.getByTestId('flow-canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('canvas not visible');
    await page.getByTestId('palette-trigger.webhook').dragTo(canvas, {
      targetPosition: { x: 250, y: box.height / 2 },
    });
    await page.getByTestId('palette-transform.jsonata').dragTo(canvas, {
      targetPosition: { x: 650, y: box.height / 2 },
    });
    await page.getByTestId('node-trigger_webhook_1').waitFor();
    await page.getByTestId('node-transform_jsonata_1').waitFor();
    await connect(
      page.getByTestId('handle-trigger_webhook_1-out-out'),
      page.getByTestId('handle-transform_jsonata_1-in-in'),
    );
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);

    await page.getByTestId('node-transform_jsonata_1').click();
    await fillExpression(
      page,
      'field-expression',
      '{ "order": body.id, "total": $sum(body.items.price), "via": headers."x-github-event" }',
    );
    // 3. The webhook: sync, signed the way GitHub signs, deduplicated by GitHub's delivery id.
    await page.getByTestId('node-trigger_webhook_1').click();
    await page.getByTestId('field-responseMode').selectOption({ label: 'sync' });
    await page.getByTestId('field-signature-add').click();
    await page.getByTestId('field-signature-preset').selectOption({ label: 'github' });
    await expect.poll(() => page.getByTestId('field-signature-header').count()).toBe(0);
    await page
      .getByTestId('field-signature-credentialId')
      .selectOption({ label: 'GitHub hook secret (hmacSecret)' });
    await page.getByTestId('config-advanced').locator('summary').click();
    await page.getByTestId('field-idempotencyHeader').fill('X-GitHub-Delivery');
    await page.screenshot({ path: '/tmp/patchbay-webhook-inspector.png' });
    await page.getByTestId('save-flow').click();
    await expect
      .poll(() => page.getByTestId('dirty-indicator').getAttribute('data-dirty'), POLL)
      .toBe('false');
    expect(await page.getByTestId('problems-count').getAttribute('data-count')).toBe('0');

    // 4. Switched on in the toolbar; the URL comes from the inspector's copy button.
    const flowId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.getByTestId(`active-switch-${flowId}`).click();
    await expect
      .poll(async () => (await api.flows.get.query({ id: flowId })).active, POLL)
      .toBe(true);
    await page.getByTestId('copy-webhook-url').click();
    const url = String(await page.evaluate('navigator.clipboard.readText()'));
    expect(url).toBe(`${server.baseUrl}/hooks/${flowId}`);

    // 5. A signed POST gets the flow's result in the response.
    const body = JSON.stringify({ id: 'ord_42', items: [{ price: 30 }, { price: 12.5 }] });
    const signed = await post(url, body, {
      'x-hub-signature-256': sign(body),
      'x-github-event': 'order.paid',
      'x-github-delivery': 'delivery-1',
    });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ order: 'ord_42', total: 42.5, via: 'order.paid' });
    const runId = signed.headers.get('x-patchbay-run-id');
    expect(runId).toBeTruthy();

    // 6. A bad signature gets 401 and no run; a repeated delivery no second run.
    const forged = await post(url, body, {
      'x-hub-signature-256': sign(`${body} `),
      'x-github-delivery': 'delivery-2',
    });
    expect(forged.status).toBe(401);
    const unsigned = await post(url, body, { 'x-github-delivery': 'delivery-3' });
    expect(unsigned.status).toBe(401);
    const again = await post(url, body, {
      'x-hub-signature-256': sign(body),
      'x-github-event': 'order.paid',
      'x-github-delivery': 'delivery-1',
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-patchbay-run-id')).toBe(runId);
    expect(await again.json()).toEqual({ order: 'ord_42', total: 42.5, via: 'order.paid' });
    const runs = await api.runs.list.query({ flowId });
    expect(runs.items.map((run) => [run.id, run.status])).toEqual([[runId, 'succeeded']]);

    // 7. The run is in the history, as a webhook run, with its steps.
    await page.goto(`${server.baseUrl}/runs/${runId}`);
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), POLL)
      .toBe('succeeded');
    expect(await page.getByTestId('step-transform_jsonata_1').getAttribute('data-status')).toBe(
      'succeeded',
    );
    expect(await page.content()).not.toContain(SECRET);

    // 8. Switched off in the editor: the webhook answers 404.
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId(`active-switch-${flowId}`).click();
    await expect
      .poll(async () => (await api.flows.get.query({ id: flowId })).active, POLL)
      .toBe(false);
    await expect
      .poll(async () => (await post(url, body, { 'x-hub-signature-256': sign(body) })).status, POLL)
      .toBe(404);
    expect((await api.runs.list.query({ flowId })).items).toHaveLength(1);
  });
});
