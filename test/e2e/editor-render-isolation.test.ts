/**
 * Issue 9 (editor at scale): editing one node re-renders that node only. React render counts
 * come from the production build through the React DevTools hook (support/react-render-counter.ts).
 */
import type { FlowDocument } from '@patchbay/engine';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridFlow } from '../bench/editor.ts';
import { createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { fillExpression } from '../support/expression-field.ts';
import {
  nodeRenderCounts,
  REACT_RENDER_COUNTER_SCRIPT,
  resetNodeRenderCounts,
} from '../support/react-render-counter.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let page: Page;
let flowId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  // Few enough nodes that the canvas opens above the low-zoom threshold with every card drawn.
  const flow: FlowDocument = gridFlow('Render isolation', 6);
  flowId = await importFlow(await createApi(server), flow);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.addInitScript(REACT_RENDER_COUNTER_SCRIPT);
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('editor render isolation', () => {
  it("re-renders only the edited node when a node's config, label or validation changes", async () => {
    const validated = (): Promise<unknown> =>
      page.waitForResponse((response) => response.url().includes('flows.validate'));
    // The editor validates the document once it has loaded: let that land before counting.
    const loadValidated = validated();
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-t2').click();
    await page.getByTestId('field-expression').waitFor();
    await loadValidated;
    await resetNodeRenderCounts(page);

    const editValidated = validated();
    await fillExpression(page, 'field-expression', '{ "changed": true }');
    await page.getByTestId('field-label').fill('Renamed');
    // The edit is validated on the server 400 ms later; that must not redraw the other nodes.
    await editValidated;
    await page.getByTestId('node-t2').getByText('Renamed').waitFor();

    const counts = await nodeRenderCounts(page);
    expect(counts.t2).toBeGreaterThan(0);
    const others = Object.entries(counts).filter(([id]) => id !== 't2');
    expect(others).toEqual([]);
  });
});

describe('a flow too big to read whole', () => {
  it('opens at its start with only the cards in view, and fit view still shows every node', async () => {
    const bigId = await importFlow(await createApi(server), gridFlow('Opens at its start', 100));
    await page.goto(`${server.baseUrl}/flows/${bigId}`);
    await page.getByTestId('node-trigger').waitFor();
    // Cards off screen are not even mounted to be measured (estimated-handles.ts).
    const opened = await page.locator('.react-flow__node').count();
    expect(opened).toBeLessThan(50);
    await page.locator('.react-flow__controls-fitview').click();
    // Fitting counts the nodes never mounted (by their estimated size): it zooms out to the
    // minimum over the whole grid, so many more cards come into view.
    await expect
      .poll(() => page.locator('.react-flow__node').count())
      .toBeGreaterThan(opened * 1.5);
    await expect
      .poll(() => page.locator('.react-flow__viewport').getAttribute('style'))
      .toContain('scale(0.25)');
  });
});
