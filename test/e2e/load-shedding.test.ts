/**
 * Load shedding seen from outside: a server whose queue is past PATCHBAY_MAX_QUEUED_RUNS (no
 * worker runs, so queued runs stay) refuses further runs with 503 and Retry-After, writes none of
 * them, says so on /healthz and shows the banner in the app; once a worker drains the queue, runs
 * are accepted again and the banner goes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import {
  type ServerProcess,
  startServer,
  startWorker,
  type WorkerProcess,
} from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let worker: WorkerProcess | undefined;
let api: Api;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(
    { DATABASE_URL: database.url, LOG_LEVEL: 'warn', PATCHBAY_MAX_QUEUED_RUNS: '3' },
    { role: 'server' },
  );
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await server?.stop();
  await database?.drop();
});

describe('an overloaded server', () => {
  it('refuses runs with 503 and Retry-After, shows it, and accepts runs again once drained', async () => {
    const flowId = await importFlow(
      api,
      chainFlow('Shedding', [
        { id: 'double', type: 'transform.jsonata', config: { expression: '$.n * 2' } },
      ]),
    );
    for (let i = 0; i < 3; i++) await api.flows.run.mutate({ id: flowId, input: { n: i } });

    const token = await api.tokens.create.mutate({ name: 'load', role: 'editor' });
    // The queue's depth is read every half second, so a post before the next reading may still
    // be accepted (and queue a run): count those.
    let accepted = 0;
    const post = async () => {
      const response = await fetch(`${server.baseUrl}/trpc/flows.run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
        body: JSON.stringify({ id: flowId, input: { n: 9 } }),
      });
      if (response.ok) accepted += 1;
      return response;
    };
    await expect.poll(async () => (await post()).status, { timeout: 5_000 }).toBe(503);
    const refused = await post();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({
      error: { data: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) } },
    });
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ load: { shedding: true, reason: 'queue-full' } });

    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('load-banner').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('load-banner').textContent()).toContain(
      'Patchbay is shedding load',
    );
    const { items } = await api.runs.list.query({ flowId, limit: 20 });
    expect(items).toHaveLength(3 + accepted);

    worker = await startWorker(database.url);
    await expect.poll(async () => (await post()).status, { timeout: 20_000 }).toBe(200);
    await page.getByTestId('load-banner').waitFor({ state: 'detached', timeout: 15_000 });
  });
});
