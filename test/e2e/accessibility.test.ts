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

/** The focused element's test id, or its tag and classes when it has none. */
const focused = () =>
  page.evaluate<string>(
    'document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName + "." + document.activeElement?.className',
  );

/**
 * Presses Tab (or Shift+Tab) until the focus is on the element matching `selector`, as a keyboard
 * user moves through the page; fails after `limit` presses.
 */
async function tabTo(selector: string, { back = false, limit = 150 } = {}): Promise<void> {
  const visited: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (
      await page.evaluate<boolean>(
        `document.activeElement?.matches(${JSON.stringify(selector)}) === true`,
      )
    ) {
      return;
    }
    visited.push(await focused());
  }
  throw new Error(`Tab never reached ${selector}; last stops: ${visited.slice(-20).join(' → ')}`);
}

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

  it('adds a node from the palette, selects nodes and edits a label with the keyboard alone', async () => {
    const keyboardFlow = await importFlow(api, {
      version: 1,
      name: 'Keyboard only',
      nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    });
    await page.goto(`${server.baseUrl}/flows/${keyboardFlow}`);
    await page.getByTestId('node-trigger').waitFor();

    // The palette: Tab to a node type, Enter adds it mid-view, selected, in the inspector.
    await tabTo('[data-testid="palette-transform.jsonata"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-transform_jsonata_1').waitFor();
    await expect.poll(() => page.getByTestId('node-id').textContent()).toBe('transform_jsonata_1');

    // On through the canvas (Tab moves focus for a keyboard user) into the inspector.
    await tabTo('[data-testid="field-label"]');
    await page.keyboard.type('Shape the order');
    await expect
      .poll(() =>
        page.getByTestId('node-transform_jsonata_1').locator('.node-card__title').textContent(),
      )
      .toBe('Shape the order');

    // Back to the trigger on the canvas; Enter selects it and the inspector follows.
    await tabTo('.react-flow__node[data-id="trigger"]', { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('node-id').textContent()).toBe('trigger');

    // The picker from the keyboard: `/`, type, arrows, Enter adds beside the selected node.
    await page.keyboard.press('/');
    await page.getByTestId('node-picker-search').waitFor();
    await page.keyboard.type('http');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-http_request_1').waitFor();
    await expect.poll(() => page.getByTestId('node-id').textContent()).toBe('http_request_1');
  });
});
