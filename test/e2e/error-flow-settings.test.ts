/**
 * Error flows in the browser: pick the error flow in Flow settings (other flows only), save, and
 * a failing run of the flow starts it, shown in the error flow's history as "Error flow" and found
 * by the history's trigger filter.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let browser: Browser;
let page: Page;
let flowId: string;
let alertsId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
  alertsId = await importFlow(
    api,
    chainFlow('Alerts', [
      { id: 'code', type: 'transform.jsonata', config: { expression: 'failedRun.error.code' } },
    ]),
  );
  flowId = await importFlow(
    api,
    chainFlow('Nightly import', [
      { id: 'boom', type: 'transform.jsonata', config: { expression: '$error("broken")' } },
    ]),
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('the error flow setting', () => {
  it('offers the other flows, saves the choice, and a failed run starts that flow', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('flow-settings-open').click();
    const picker = page.getByTestId('flow-settings-field-errorFlowId');
    await picker.locator(`option[value="${alertsId}"]`).waitFor({ state: 'attached' });
    const offered = await picker.locator('option').allTextContents();
    expect(offered).toEqual(['None', 'Alerts']);
    await picker.selectOption(alertsId);
    await page.getByTestId('flow-settings-save').click();
    await page.getByTestId('flow-settings-dialog').waitFor({ state: 'hidden' });
    await page.getByTestId('save-flow').click();
    await page.getByText('Flow saved').waitFor();
    expect((await api.flows.export.query({ id: flowId })).settings).toEqual({
      errorFlowId: alertsId,
    });

    const started = await api.flows.run.mutate({ id: flowId });
    await expect
      .poll(async () => (await api.runs.list.query({ flowId: alertsId })).items.length, {
        timeout: 20_000,
      })
      .toBe(1);
    const [errorRun] = (await api.runs.list.query({ flowId: alertsId })).items;
    expect(errorRun?.trigger).toBe('error');
    const detail = await api.runs.get.query({ id: errorRun!.id });
    expect(detail.input).toMatchObject({
      failedRun: { id: started.runId, flowId, flowName: 'Nightly import', failedNodeId: 'boom' },
    });

    await page.goto(`${server.baseUrl}/flows/${alertsId}/runs`);
    await page.getByTestId('run-trigger-filter').selectOption('error');
    const row = page.getByTestId(`run-row-${errorRun!.id}`);
    await row.waitFor();
    expect(await row.getByTestId('run-row-trigger').textContent()).toBe('Error flow');
  });
});
