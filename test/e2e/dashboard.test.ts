/**
 * The dashboard in a real browser: runs seeded through the API (3 succeed, 2 fail on an upstream
 * answering 500) show up in the tiles, the charts and the top error codes, and an error code opens
 * the run history filtered to exactly the failed runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, importFlow, waitForRunsFinal } from '../support/api-client.ts';
import { useBrowserApp } from '../support/browser-app.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

let upstream: Upstream;
/** Page loads and live refreshes on a loaded machine. */
const POLL = { timeout: 15_000 };

const app = useBrowserApp({ viewport: { width: 1440, height: 1000 } });

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    if (request.url === '/broken') {
      sendJson(response, 500, { error: 'partner down' });
      return;
    }
    sendJson(response, 200, { ok: true });
  });
});

afterAll(async () => {
  await upstream?.close();
});

async function runTimes(flowId: string, times: number): Promise<string[]> {
  const runIds: string[] = [];
  for (let i = 0; i < times; i++)
    runIds.push((await app.api.flows.run.mutate({ id: flowId })).runId);
  return runIds;
}

describe('the dashboard', () => {
  it('shows an empty state before any run', async () => {
    await app.page.goto(app.server.baseUrl);
    await app.page.getByTestId('dashboard-empty').waitFor();
    expect(await app.page.getByTestId('nav-dashboard').getAttribute('class')).toContain(
      'is-active',
    );
  });

  it('shows failures first and links an error code to exactly its failed runs', async () => {
    const healthy = await importFlow(
      app.api,
      chainFlow('Healthy sync', [
        { id: 'fetch', type: 'http.request', config: { url: `${upstream.url}/ok` } },
      ]),
    );
    const failing = await importFlow(
      app.api,
      chainFlow('Partner push', [
        {
          id: 'push',
          type: 'http.request',
          config: { method: 'POST', url: `${upstream.url}/broken` },
          policy: { retry: { maxAttempts: 1 } },
        },
      ]),
    );
    const succeeded = await runTimes(healthy, 3);
    const failed = await runTimes(failing, 2);
    const statuses = await waitForRunsFinal(app.database.url, [...succeeded, ...failed], 30_000);
    expect(succeeded.map((id) => statuses.get(id))).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(failed.map((id) => statuses.get(id))).toEqual(['failed', 'failed']);
    const code = (await app.api.runs.get.query({ id: failed[0]! })).error?.code;
    expect(code).toBeTruthy();

    await app.page.goto(app.server.baseUrl);
    await app.page.getByTestId('dashboard').waitFor();
    await expect
      .poll(() => app.page.getByTestId('tile-failed-value').textContent(), POLL)
      .toBe('2');
    expect(await app.page.getByTestId('tile-success-rate-value').textContent()).toBe('60%');

    // Runs by status: a canvas drawn over the range's buckets.
    const runsChart = app.page.getByTestId('chart-runs');
    await runsChart.locator('canvas').waitFor();
    expect(Number(await runsChart.getAttribute('data-points'))).toBeGreaterThan(0);
    await app.page.getByTestId('chart-duration').locator('canvas').waitFor();

    // The error code, counted once per failed run, first in its panel.
    const row = app.page.getByTestId(`top-error-${code}`);
    await row.waitFor();
    expect(await app.page.getByTestId(`top-error-count-${code}`).textContent()).toBe('2');
    expect(await row.textContent()).toContain('Partner push');

    // The failing flow leads its panel; the slowest nodes name both flows' HTTP nodes.
    await app.page.getByTestId(`failing-flow-${failing}`).waitFor();
    expect(await app.page.getByTestId(`failing-flow-${healthy}`).count()).toBe(0);
    await app.page.getByTestId('slow-node-push').waitFor();
    await app.page.getByTestId('slow-node-fetch').waitFor();
    await app.page.getByTestId('node-type-http.request').waitFor();
    await app.page.getByTestId('chart-attempts').locator('canvas').waitFor();
    // The live feed: in flight, queued and workers from stats.live.
    await expect
      .poll(() => app.page.getByTestId('tile-workers-value').textContent(), POLL)
      .toMatch(/^[1-9]/);

    if (process.env.E2E_SCREENSHOTS) {
      // The app.page scrolls inside the app shell: a tall viewport shows every panel at once.
      await app.page.setViewportSize({ width: 1440, height: 2400 });
      await app.page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/dashboard.png` });
      await app.page.setViewportSize({ width: 1440, height: 1000 });
    }

    await app.page.getByTestId(`top-error-link-${code}`).click();
    await app.page.getByTestId('run-table').waitFor();
    const url = new URL(app.page.url());
    expect(url.pathname).toBe('/runs');
    expect(url.searchParams.get('error')).toBe(code);
    expect(url.searchParams.get('flow')).toBe(failing);
    expect(url.searchParams.get('range')).toBe('24h');
    // Identical failures are one group row on the history page: it counts both, and expands.
    const group = app.page.locator('tr.run-group-row');
    await group.waitFor();
    expect(await group.getAttribute('data-run-count')).toBe('2');
    await group.locator('[data-testid$="-expand"]').click();
    await expect
      .poll(
        async () =>
          (
            await app.page
              .locator('[data-testid^="run-row-"]')
              .evaluateAll((rows) =>
                rows
                  .map((r) => r.getAttribute('data-testid') ?? '')
                  .filter((id) => /^run-row-[0-9a-f-]{36}$/.test(id)),
              )
          ).sort(),
        POLL,
      )
      .toEqual(failed.map((id) => `run-row-${id}`).sort());
  });

  it('keeps range and flow in the URL and shows one flow on its stats app.page', async () => {
    const flows = await app.api.flows.list.query();
    const failing = flows.find((f) => f.name === 'Partner push')!;
    await app.page.goto(app.server.baseUrl);
    await app.page.getByTestId('dashboard-range-7d').click();
    await app.page.getByTestId('dashboard-flow-filter').selectOption(failing.id);
    await expect
      .poll(() => new URL(app.page.url()).search, POLL)
      .toBe(`?range=7d&flow=${failing.id}`);
    // Only the failing flow's runs: none of them succeeded.
    await expect
      .poll(() => app.page.getByTestId('tile-success-rate-value').textContent(), POLL)
      .toBe('0%');
    expect(await app.page.getByTestId('tile-failed-value').textContent()).toBe('2');

    // A shared link opens the same view.
    await app.page.goto(`${app.server.baseUrl}/?range=7d&flow=${failing.id}`);
    await expect
      .poll(() => app.page.getByTestId('dashboard-flow-filter').inputValue(), POLL)
      .toBe(failing.id);
    await expect
      .poll(() => app.page.getByTestId('tile-success-rate-value').textContent(), POLL)
      .toBe('0%');

    // The flow's own stats app.page, from the flow list.
    await app.page.getByTestId('nav-flows').click();
    await app.page.getByTestId(`flow-stats-${failing.id}`).click();
    await expect
      .poll(() => new URL(app.page.url()).pathname, POLL)
      .toBe(`/flows/${failing.id}/stats`);
    await expect
      .poll(() => app.page.getByTestId('tile-success-rate-value').textContent(), POLL)
      .toBe('0%');
    expect(await app.page.getByTestId('tile-failed-value').textContent()).toBe('2');
    expect(await app.page.getByTestId('dashboard-flow-filter').count()).toBe(0);
  });

  it('updates while open: a run that fails now shows up without a reload', async () => {
    const flows = await app.api.flows.list.query();
    const failing = flows.find((f) => f.name === 'Partner push')!;
    await app.page.goto(app.server.baseUrl);
    await expect
      .poll(() => app.page.getByTestId('tile-failed-value').textContent(), POLL)
      .toBe('2');
    await app.page
      .getByTestId('tile-workers-value')
      .filter({ hasText: /^[1-9]/ })
      .waitFor();
    const { runId } = await app.api.flows.run.mutate({ id: failing.id });
    await waitForRunsFinal(app.database.url, [runId], 30_000);
    await expect
      .poll(() => app.page.getByTestId('tile-failed-value').textContent(), { timeout: 20_000 })
      .toBe('3');
    const code = (await app.api.runs.get.query({ id: runId })).error?.code;
    await expect
      .poll(() => app.page.getByTestId(`top-error-count-${code}`).textContent(), POLL)
      .toBe('3');
  });
});
