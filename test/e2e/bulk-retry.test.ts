/**
 * Bulk retry in the browser: an upstream goes down, a flow fails the same way several times, the
 * Runs page collapses those failures into one group row; the user selects the group and retries
 * it, and the new runs succeed once the upstream is back.
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

const FAILURES = 5;

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let api: Api;
let browser: Browser;
let page: Page;
let partnerDown = false;

beforeAll(async () => {
  database = await createTestDatabase();
  upstream = await startUpstream((_request, response) => {
    if (partnerDown) sendJson(response, 500, { error: 'partner is down' });
    else sendJson(response, 200, { ok: true });
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

describe('retrying a group of identical failures from the Runs page', () => {
  it('collapses the failures into one row, retries them all, and the retries succeed', async () => {
    const flowId = await importFlow(
      api,
      chainFlow('Partner sync', [
        {
          id: 'push',
          type: 'http.request',
          config: { method: 'POST', url: `${upstream.url}/orders` },
          policy: { retry: { maxAttempts: 1 }, breaker: { enabled: false } },
        },
      ]),
    );
    const { runId: healthy } = await api.flows.run.mutate({ id: flowId });
    expect((await waitForRunsFinal(database.url, [healthy], 20_000)).get(healthy)).toBe(
      'succeeded',
    );
    partnerDown = true;
    const failed: string[] = [];
    for (let i = 0; i < FAILURES; i++) {
      const { runId } = await api.flows.run.mutate({ id: flowId, input: { order: i } });
      failed.push(runId);
    }
    const finals = await waitForRunsFinal(database.url, failed, 20_000);
    expect(failed.map((id) => finals.get(id))).toEqual(failed.map(() => 'failed'));
    const newestFailure = failed.at(-1) as string;

    await page.goto(`${server.baseUrl}/runs`);
    const group = page.getByTestId(`run-group-${newestFailure}`);
    await group.waitFor();
    expect(await group.getAttribute('data-run-count')).toBe(String(FAILURES));
    expect(await group.getByTestId('run-group-summary').textContent()).toBe(
      `${FAILURES} runs failed with HTTP_STATUS`,
    );
    // The failures are one row; the healthy run keeps its own.
    await page.getByTestId(`run-row-${healthy}`).waitFor();
    expect(await page.getByTestId(`run-row-${newestFailure}`).count()).toBe(0);

    // Expanding the group lists its runs.
    await page.getByTestId(`run-group-${newestFailure}-expand`).click();
    for (const id of failed) await page.getByTestId(`run-row-${id}`).waitFor();

    partnerDown = false;
    await page.getByTestId(`run-group-${newestFailure}-select`).check();
    expect(await page.getByTestId('bulk-selected-count').textContent()).toBe(
      `${FAILURES} selected`,
    );
    await page.getByTestId('bulk-retry').click();
    await expect
      .poll(() => page.getByTestId('toast').first().textContent())
      .toContain(`Retried ${FAILURES} runs`);

    // One new run per failure, each a retry of it from the failed step; they succeed.
    const retriesOf = async () => {
      const { items } = await api.runs.list.query({ flowId, limit: 20 });
      return items.filter((run) => !failed.includes(run.id) && run.id !== healthy);
    };
    await expect.poll(async () => (await retriesOf()).length).toBe(FAILURES);
    const retryIds = (await retriesOf()).map((run) => run.id);
    const retried = await waitForRunsFinal(database.url, retryIds, 20_000);
    expect(retryIds.map((id) => retried.get(id))).toEqual(retryIds.map(() => 'succeeded'));
    const sources = await Promise.all(
      retryIds.map(async (id) => {
        const run = await api.runs.get.query({ id });
        expect(run.retryMode).toBe('failed_step');
        return run.retryOfRunId;
      }),
    );
    expect(sources.sort()).toEqual([...failed].sort());

    // The refreshed page shows them succeeded.
    for (const id of retryIds) {
      await expect
        .poll(
          () =>
            page
              .getByTestId(`run-row-${id}`)
              .getByTestId('run-row-status')
              .getAttribute('data-status'),
          { timeout: 20_000 },
        )
        .toBe('succeeded');
    }
  });
});
