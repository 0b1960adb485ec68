/**
 * Bulk retry in the browser: an upstream goes down, a flow fails the same way several times, the
 * Runs page collapses those failures into one group row; the user selects the group and retries
 * it, and the new runs succeed once the upstream is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, importFlow, waitForRunsFinal } from '../support/api-client.ts';
import { useBrowserApp } from '../support/browser-app.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

const FAILURES = 5;

let upstream: Upstream;
let partnerDown = false;

const app = useBrowserApp({ viewport: { width: 1440, height: 900 } });

beforeAll(async () => {
  upstream = await startUpstream((_request, response) => {
    if (partnerDown) sendJson(response, 500, { error: 'partner is down' });
    else sendJson(response, 200, { ok: true });
  });
});

afterAll(async () => {
  await upstream?.close();
});

describe('retrying a group of identical failures from the Runs app.page', () => {
  it('collapses the failures into one row, retries them all, and the retries succeed', async () => {
    const flowId = await importFlow(
      app.api,
      chainFlow('Partner sync', [
        {
          id: 'push',
          type: 'http.request',
          config: { method: 'POST', url: `${upstream.url}/orders` },
          policy: { retry: { maxAttempts: 1 }, breaker: { enabled: false } },
        },
      ]),
    );
    const { runId: healthy } = await app.api.flows.run.mutate({ id: flowId });
    expect((await waitForRunsFinal(app.database.url, [healthy], 20_000)).get(healthy)).toBe(
      'succeeded',
    );
    partnerDown = true;
    const failed: string[] = [];
    for (let i = 0; i < FAILURES; i++) {
      const { runId } = await app.api.flows.run.mutate({ id: flowId, input: { order: i } });
      failed.push(runId);
    }
    const finals = await waitForRunsFinal(app.database.url, failed, 20_000);
    expect(failed.map((id) => finals.get(id))).toEqual(failed.map(() => 'failed'));
    const newestFailure = failed.at(-1) as string;

    await app.page.goto(`${app.server.baseUrl}/runs`);
    const group = app.page.getByTestId(`run-group-${newestFailure}`);
    await group.waitFor();
    expect(await group.getAttribute('data-run-count')).toBe(String(FAILURES));
    expect(await group.getByTestId('run-group-summary').textContent()).toBe(
      `${FAILURES} runs failed with HTTP_STATUS`,
    );
    // The failures are one row; the healthy run keeps its own.
    await app.page.getByTestId(`run-row-${healthy}`).waitFor();
    expect(await app.page.getByTestId(`run-row-${newestFailure}`).count()).toBe(0);

    // Expanding the group lists its runs.
    await app.page.getByTestId(`run-group-${newestFailure}-expand`).click();
    for (const id of failed) await app.page.getByTestId(`run-row-${id}`).waitFor();

    partnerDown = false;
    await app.page.getByTestId(`run-group-${newestFailure}-select`).check();
    expect(await app.page.getByTestId('bulk-selected-count').textContent()).toBe(
      `${FAILURES} selected`,
    );
    await app.page.getByTestId('bulk-retry').click();
    await expect
      .poll(() => app.page.getByTestId('toast').first().textContent())
      .toContain(`Retried ${FAILURES} runs`);

    // One new run per failure, each a retry of it from the failed step; they succeed.
    const retriesOf = async () => {
      const { items } = await app.api.runs.list.query({ flowId, limit: 20 });
      return items.filter((run) => !failed.includes(run.id) && run.id !== healthy);
    };
    await expect.poll(async () => (await retriesOf()).length).toBe(FAILURES);
    const retryIds = (await retriesOf()).map((run) => run.id);
    const retried = await waitForRunsFinal(app.database.url, retryIds, 20_000);
    expect(retryIds.map((id) => retried.get(id))).toEqual(retryIds.map(() => 'succeeded'));
    const sources = await Promise.all(
      retryIds.map(async (id) => {
        const run = await app.api.runs.get.query({ id });
        expect(run.retryMode).toBe('failed_step');
        return run.retryOfRunId;
      }),
    );
    expect(sources.sort()).toEqual([...failed].sort());

    // The refreshed app.page shows them succeeded.
    for (const id of retryIds) {
      await expect
        .poll(
          () =>
            app.page
              .getByTestId(`run-row-${id}`)
              .getByTestId('run-row-status')
              .getAttribute('data-status'),
          { timeout: 20_000 },
        )
        .toBe('succeeded');
    }
  });
});
