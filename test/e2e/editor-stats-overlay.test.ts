/**
 * The editor's stats overlay: after a few runs, "Show stats" badges each node that ran with its
 * p95 and error rate (coloured by the rate, counts in the tooltip), shows nothing on a node
 * without runs, and leaves the flow clean; "Hide stats" removes the badges.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  chainFlow,
  createApi,
  importFlow,
  waitForRunsFinal,
} from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let api: Api;
let browser: Browser;
let page: Page;
let flakyCalls = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  upstream = await startUpstream((request, response) => {
    // The first of every four calls to /flaky fails.
    if (request.url === '/flaky' && flakyCalls++ % 4 === 0) {
      sendJson(response, 500, { error: 'down' });
      return;
    }
    sendJson(response, 200, { ok: true });
  });
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

const noRetry = { retry: { maxAttempts: 1 }, breaker: { enabled: false } };
const badge = (nodeId: string) => page.getByTestId(`node-stats-${nodeId}`);

describe('the stats overlay', () => {
  it('badges the nodes that ran with p95 and error rate, and nothing else', async () => {
    const nodes = [
      {
        id: 'fetch',
        type: 'http.request',
        config: { method: 'POST', url: `${upstream.url}/ok` },
        policy: noRetry,
      },
      {
        id: 'push',
        type: 'http.request',
        config: { method: 'POST', url: `${upstream.url}/flaky` },
        policy: noRetry,
      },
    ];
    const flowId = await importFlow(api, chainFlow('Stats overlay', nodes));
    const runIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { runId } = await api.flows.run.mutate({ id: flowId });
      runIds.push(runId);
      await waitForRunsFinal(database.url, [runId], 20_000);
    }
    // A node added since has no figures.
    await api.flows.update.mutate({
      id: flowId,
      document: chainFlow('Stats overlay', [
        ...nodes,
        { id: 'later', type: 'transform.jsonata', config: { expression: '$' } },
      ]),
    });

    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-push').waitFor();
    expect(await page.locator('[data-testid^="node-stats-"]').count()).toBe(0);

    await page.getByTestId('stats-overlay-toggle').click();
    await badge('push').waitFor();
    expect(await badge('push').textContent()).toMatch(/^p95 \d+ ms · 25 % errors$/);
    expect(await badge('push').getAttribute('data-tone')).toBe('bad');
    expect(await badge('push').getAttribute('title')).toBe('4 steps · 1 failed · 0 retries');
    expect(await badge('fetch').textContent()).toMatch(/^p95 \d+ ms · 0 % errors$/);
    expect(await badge('fetch').getAttribute('data-tone')).toBe('ok');
    expect(await badge('later').count()).toBe(0);
    expect(await page.getByTestId('stats-overlay-range').inputValue()).toBe('24h');
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');

    await page.getByTestId('stats-overlay-range').selectOption('1h');
    await expect.poll(() => badge('push').textContent()).toMatch(/25 % errors$/);

    await page.getByTestId('stats-overlay-toggle').click();
    await expect.poll(() => page.locator('[data-testid^="node-stats-"]').count()).toBe(0);
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');
  });
});
