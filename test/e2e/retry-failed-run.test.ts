/**
 * Dead letters in the browser: a run fails at a flaky step after its retries; the user retries it
 * from the failed step, and the new run reuses the step that had succeeded.
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
let flakyFailures = 2;

beforeAll(async () => {
  database = await createTestDatabase();
  upstream = await startUpstream((request, response) => {
    if (request.url === '/flaky' && flakyFailures > 0) {
      flakyFailures--;
      sendJson(response, 503, { error: 'try later' });
      return;
    }
    sendJson(response, 200, { ok: true, path: request.url });
  });
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

describe('retrying a failed run from the browser', () => {
  it('re-runs from the failed step and reuses the output of the step that succeeded', async () => {
    const flowId = await importFlow(
      api,
      chainFlow('Flaky partner', [
        { id: 'fetch', type: 'http.request', config: { url: `${upstream.url}/ok` } },
        {
          id: 'push',
          type: 'http.request',
          config: { method: 'POST', url: `${upstream.url}/flaky` },
          policy: { retry: { maxAttempts: 2, initialDelayMs: 10 } },
        },
      ]),
    );
    const { runId } = await api.flows.run.mutate({ id: flowId });
    expect((await waitForRunsFinal(database.url, [runId], 20_000)).get(runId)).toBe('failed');

    await page.goto(`${server.baseUrl}/runs/${runId}`);
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'))
      .toBe('failed');
    // Both attempts of the failed step are listed with their errors.
    await page.getByTestId('step-push').click();
    await page.getByTestId('attempt-push-2').waitFor();

    await page.getByTestId('retry-from-failed-step').click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(runId),
    );
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('succeeded');
    await page.getByTestId('step-reused-fetch').waitFor();
    await page.getByTestId('retry-of-link').waitFor();

    const calls = upstream.requests.map((request) => request.path);
    expect(calls.filter((path) => path === '/ok')).toHaveLength(1);
    expect(calls.filter((path) => path === '/flaky')).toHaveLength(3);
  });
});
