/**
 * Reliability without hand-written JSON: set a node's retry and rate limit in the inspector and
 * the flow's concurrency in Flow settings, save, and find exactly those values in the exported
 * document; an invalid value is reported on its field and leaves the rest of the editor usable.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { fillExpression } from '../support/expression-field.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let browser: Browser;
let page: Page;
let flowId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
  flowId = await importFlow(
    api,
    chainFlow('Partner sync', [
      { id: 'fetch', type: 'http.request', config: { url: 'http://127.0.0.1:9/orders' } },
    ]),
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

const problemCount = () => page.getByTestId('problems-count').getAttribute('data-count');
const dirty = () => page.getByTestId('dirty-indicator').getAttribute('data-dirty');

async function openFetchPolicy(): Promise<void> {
  await page.getByTestId('node-fetch').click();
  const toggle = page.getByTestId('policy-section-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

describe('reliability and flow settings in the editor', () => {
  it('saves exactly the retry, rate limit and concurrency the user set', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await openFetchPolicy();
    // Unset fields show the node type's effective defaults and write nothing.
    expect(
      await page.getByTestId('policy-field-retry.maxAttempts').getAttribute('placeholder'),
    ).toBe('3');
    expect(await page.getByTestId('policy-field-timeoutMs').getAttribute('placeholder')).toBe(
      '30000',
    );
    // Templates are JSONata too: each expression gets 2 s unless the node says otherwise.
    expect(
      await page.getByTestId('policy-field-expressionTimeoutMs').getAttribute('placeholder'),
    ).toBe('2000');
    await page.getByTestId('policy-field-retry.maxAttempts').fill('5');
    await page.getByTestId('policy-enable-rateLimit').click();
    await page.getByTestId('policy-field-rateLimit.limit').fill('10');
    await page.getByTestId('policy-field-rateLimit.periodMs').fill('1000');

    await page.getByTestId('flow-settings-open').click();
    await page.getByTestId('flow-settings-field-maxConcurrentRuns').fill('2');
    await page.getByTestId('flow-settings-save').click();
    await page.getByTestId('flow-settings-dialog').waitFor({ state: 'hidden' });

    await expect.poll(problemCount).toBe('0');
    expect(await dirty()).toBe('true');
    await page.getByTestId('save-flow').click();
    await expect.poll(dirty).toBe('false');

    const document = await api.flows.export.query({ id: flowId });
    const [trigger, fetch] = document.nodes;
    expect(trigger).not.toHaveProperty('policy');
    expect(fetch?.policy).toEqual({
      retry: { maxAttempts: 5 },
      // The format fills in a rate limit's burst and max wait when it is stored.
      rateLimit: { limit: 10, periodMs: 1000, burst: 1, maxWaitMs: 300_000 },
    });
    expect(document.settings).toEqual({ maxConcurrentRuns: 2 });
  });

  it('loads the saved policy and settings back, and saving them untouched changes nothing', async () => {
    const before = await api.flows.get.query({ id: flowId });
    await page.reload();
    await openFetchPolicy();
    expect(await page.getByTestId('policy-field-retry.maxAttempts').inputValue()).toBe('5');
    expect(await page.getByTestId('policy-enable-rateLimit').getAttribute('aria-checked')).toBe(
      'true',
    );
    await page.getByTestId('flow-settings-open').click();
    expect(await page.getByTestId('flow-settings-field-maxConcurrentRuns').inputValue()).toBe('2');
    await page.getByTestId('flow-settings-save').click();

    await page.getByTestId('save-flow').click();
    await page.getByText('Flow saved').waitFor();
    const after = await api.flows.get.query({ id: flowId });
    expect(after.latestVersion).toBe(before.latestVersion);
    expect(JSON.stringify(after.document)).toBe(JSON.stringify(before.document));
  });

  it('shows an invalid max attempts on its field and on the node, and blocks nothing else', async () => {
    await openFetchPolicy();
    await page.getByTestId('policy-field-retry.maxAttempts').fill('0');

    const error = page.getByTestId('policy-field-retry.maxAttempts-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Max attempts must be at least 1');
    await page.getByTestId('node-issues-fetch').waitFor();
    await expect.poll(problemCount).toBe('1');
    expect(await page.getByTestId('policy-field-rateLimit.limit-error').count()).toBe(0);

    // Other fields and the flow settings still take edits while the problem stands.
    await page.getByTestId('policy-field-timeoutMs').fill('5000');
    expect(await page.getByTestId('policy-field-timeoutMs').inputValue()).toBe('5000');
    await page.getByTestId('flow-settings-open').click();
    await page.getByTestId('flow-settings-field-runTimeoutMs').fill('600000');
    await page.getByTestId('flow-settings-save').click();
    await fillExpression(page, 'field-url', 'http://127.0.0.1:9/invoices');
    await expect.poll(problemCount).toBe('1');

    // Fixed, the problem is gone and the flow saves with every edit.
    await page.getByTestId('policy-field-retry.maxAttempts').fill('4');
    await expect.poll(problemCount).toBe('0');
    expect(await error.count()).toBe(0);
    await page.getByTestId('save-flow').click();
    await expect.poll(dirty).toBe('false');
    const document = await api.flows.export.query({ id: flowId });
    expect(document.nodes[1]).toMatchObject({
      config: { url: 'http://127.0.0.1:9/invoices' },
      policy: { retry: { maxAttempts: 4 }, timeoutMs: 5000 },
    });
    expect(document.settings).toEqual({ maxConcurrentRuns: 2, runTimeoutMs: 600_000 });
  });

  it('removes a field the user clears, and the policy once nothing is left', async () => {
    await openFetchPolicy();
    await page.getByTestId('policy-field-retry.maxAttempts').fill('');
    await page.getByTestId('policy-field-timeoutMs').fill('');
    await page.getByTestId('policy-enable-rateLimit').click();
    await page.getByTestId('flow-settings-open').click();
    await page.getByTestId('flow-settings-field-maxConcurrentRuns').fill('');
    await page.getByTestId('flow-settings-field-runTimeoutMs').fill('');
    await page.getByTestId('flow-settings-save').click();
    await expect.poll(problemCount).toBe('0');
    await page.getByTestId('save-flow').click();
    await expect.poll(dirty).toBe('false');

    const document = await api.flows.export.query({ id: flowId });
    expect(document.nodes[1]).not.toHaveProperty('policy');
    expect(document).not.toHaveProperty('settings');
  });
});
