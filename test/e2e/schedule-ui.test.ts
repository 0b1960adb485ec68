/**
 * Flows switched on, through a real browser: the switch in the flow list and the editor toolbar,
 * a schedule's next fire times in the inspector, and schedule runs in the history with its
 * trigger filter. Needs the built web app (`pnpm --filter @patchbay/web build`).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

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
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('a scheduled flow in the browser', () => {
  it('is switched on in the list, shows its fire times, runs on schedule and is switched off in the editor', async () => {
    const flow = await api.flows.import.mutate({
      document: {
        version: 1,
        name: 'Every two seconds',
        nodes: [
          {
            id: 'tick',
            type: 'trigger.schedule',
            position: { x: 0, y: 0 },
            config: { cron: '*/2 * * * * *', timezone: 'Europe/Berlin' },
          },
        ],
        edges: [],
      },
    });

    await page.goto(`${server.baseUrl}/flows`);
    const state = page.getByTestId(`active-state-${flow.id}`);
    // The list loads before the poll's one second starts.
    await state.waitFor();
    await expect.poll(() => state.textContent()).toBe('Off');
    await page.getByTestId(`active-switch-${flow.id}`).click();
    await expect.poll(() => state.textContent()).toBe('On');
    await expect.poll(async () => (await api.flows.get.query({ id: flow.id })).active).toBe(true);
    await expect.poll(() => page.getByTestId(`active-switch-${flow.id}`).isEnabled()).toBe(true);
    await page.screenshot({ path: '/tmp/patchbay-schedule-list.png' });

    // The inspector lists the next five fire times, in Berlin's winter time.
    await page.goto(`${server.baseUrl}/flows/${flow.id}`);
    await page.getByTestId('node-tick').click();
    const times = page.getByTestId('schedule-preview-time');
    await expect.poll(() => times.count()).toBe(5);
    for (const text of await times.allTextContents()) expect(text).toMatch(/\(\+01:00\)$/);
    await page.screenshot({ path: '/tmp/patchbay-schedule-inspector.png' });

    // A bad pattern says what is wrong instead.
    const cron = page.locator('input[data-widget="cron"]');
    await cron.fill('61 * * * *');
    await expect
      .poll(() => page.getByTestId('schedule-preview-problem').textContent())
      .toContain('Invalid value for minute: 61');

    // Ticks have started runs, shown with their trigger and filtered by it.
    await expect
      .poll(async () => (await api.runs.list.query({ flowId: flow.id })).items.length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await page.goto(`${server.baseUrl}/flows/${flow.id}/runs`);
    // The history page loads (a lazy chunk, then the runs) before the poll's clock matters.
    await page.getByTestId('run-row-trigger').first().waitFor();
    await expect
      .poll(() => page.getByTestId('run-row-trigger').first().textContent())
      .toBe('Schedule');
    await page.getByTestId('run-trigger-filter').selectOption('manual');
    await page.getByTestId('runs-empty').waitFor();
    await page.getByTestId('run-trigger-filter').selectOption('schedule');
    await page.getByTestId('run-row-trigger').first().waitFor();
    await page.screenshot({ path: '/tmp/patchbay-schedule-runs.png' });

    // Switched off from the editor's toolbar.
    await page.goto(`${server.baseUrl}/flows/${flow.id}`);
    await page.getByTestId(`active-switch-${flow.id}`).click();
    await expect.poll(() => page.getByTestId(`active-state-${flow.id}`).textContent()).toBe('Off');
    await expect.poll(async () => (await api.flows.get.query({ id: flow.id })).active).toBe(false);
    await page.screenshot({ path: '/tmp/patchbay-schedule-toolbar.png' });
  });
});
