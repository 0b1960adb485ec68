/**
 * Version history through a real browser: the list with authors, comparing the first version
 * with the current one on the canvas (added, removed and changed nodes, a config field before
 * and after), leaving the comparison with the editor's edits intact, and restoring a version.
 */
import type { FlowDocument } from '@patchbay/engine';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let api: Api;
let flowId: string;

type Node = FlowDocument['nodes'][number];
const trigger: Node = {
  id: 'trigger',
  type: 'trigger.manual',
  position: { x: 0, y: 0 },
  config: {},
};
const shape = (expression: string): Node => ({
  id: 'shape',
  type: 'transform.jsonata',
  position: { x: 320, y: 0 },
  config: { expression },
});
const call: Node = {
  id: 'call',
  type: 'http.request',
  position: { x: 640, y: 0 },
  config: { url: 'https://example.test/orders' },
};
const notify = (y: number): Node => ({
  id: 'notify',
  type: 'transform.jsonata',
  position: { x: 640, y },
  config: { expression: '{"sent": true}' },
});

const NAME = 'Versioned orders';
const v1: FlowDocument = {
  version: 1,
  name: NAME,
  nodes: [trigger, shape('$.v1'), call],
  edges: [
    { id: 'e1', source: 'trigger', target: 'shape' },
    { id: 'e2', source: 'shape', target: 'call' },
  ],
};
const v2: FlowDocument = {
  ...v1,
  nodes: [trigger, shape('$.v2'), call, notify(200)],
  edges: [...v1.edges, { id: 'e3', source: 'shape', target: 'notify' }],
};
const v3: FlowDocument = {
  ...v1,
  nodes: [trigger, shape('$.v3'), notify(240)],
  edges: [
    { id: 'e1', source: 'trigger', target: 'shape' },
    { id: 'e3', source: 'shape', target: 'notify' },
  ],
};

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  flowId = await importFlow(api, v1);
  await api.flows.update.mutate({ id: flowId, document: v2 });
  await api.flows.update.mutate({ id: flowId, document: v3 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('editor versions', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await signInThroughPage(page, server.baseUrl, server.admin);
  });
  afterAll(() => context?.close());

  it('version diff and restore', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-notify').waitFor();
    // An unsaved edit, which comparing must leave alone.
    await page.getByTestId('flow-name-input').fill('Renamed, not saved');
    await expect
      .poll(() => page.getByTestId('dirty-indicator').getAttribute('data-dirty'))
      .toBe('true');

    // A view of the user's own (zoomed in), which comparing must leave alone too.
    await page.locator('.react-flow__controls-zoomin').click();
    const viewport = page.locator('.react-flow__viewport');
    const editorView = await viewport.getAttribute('style');
    await page.getByTestId('version-history-open').click();
    const history = page.getByRole('complementary', { name: 'Version history' });
    await history.waitFor();
    for (const number of [1, 2, 3]) {
      await expect
        .poll(() =>
          history.getByTestId(`version-${number}`).getByTestId('version-author').textContent(),
        )
        .toBe(server.admin.email);
    }
    await expect
      .poll(() => history.getByTestId('version-3').getByTestId('version-current').isVisible())
      .toBe(true);
    expect(await history.getByTestId('version-1').getByTestId('version-current').count()).toBe(0);

    // v1 against the current version (v3): the canvas marks what changed.
    await history.getByTestId('version-compare-1').click();
    const diffCanvas = page.getByTestId('version-diff-canvas');
    await diffCanvas.waitFor();
    await expect
      .poll(() => diffCanvas.getByTestId('diff-badge-notify').getAttribute('data-diff'))
      .toBe('added');
    expect(await diffCanvas.getByTestId('diff-badge-call').getAttribute('data-diff')).toBe(
      'removed',
    );
    expect(await diffCanvas.getByTestId('diff-badge-shape').getAttribute('data-diff')).toBe(
      'changed',
    );
    expect(await diffCanvas.getByTestId('diff-badge-trigger').count()).toBe(0);
    expect(await page.getByTestId('flow-canvas').count()).toBe(0);

    // The changed node's config, field by field.
    await diffCanvas.getByTestId('node-shape').click();
    const row = history
      .getByTestId('version-node-diff')
      .getByTestId('field-diff-config.expression');
    await row.waitFor();
    expect(await row.locator('.field-diff__before').textContent()).toBe('$.v1');
    expect(await row.locator('.field-diff__after').textContent()).toBe('$.v3');
    expect(await history.getByTestId('version-change-call').getAttribute('data-diff')).toBe(
      'removed',
    );

    // Back to editing: the unsaved edit is still there.
    await history.getByTestId('version-compare-exit').click();
    await page.getByTestId('flow-canvas').waitFor();
    expect(await page.getByTestId('flow-name-input').inputValue()).toBe('Renamed, not saved');
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('true');
    expect(await viewport.getAttribute('style')).toBe(editorView);

    // Restore v1: the unsaved edit is discarded only after confirming.
    await history.getByTestId('version-compare-1').click();
    await history.getByTestId('version-restore').click();
    await page.getByTestId('version-restore-confirm').click();
    await page.getByTestId('flow-canvas').waitFor();
    await page.getByTestId('node-call').waitFor();
    expect(await page.getByTestId('node-notify').count()).toBe(0);
    expect(await page.getByTestId('flow-name-input').inputValue()).toBe(NAME);
    expect(await page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');
    await expect
      .poll(() => history.getByTestId('version-4').getByTestId('version-current').isVisible())
      .toBe(true);
    expect(await history.getByTestId('version-4').textContent()).toContain('restored from v1');

    const flow = await api.flows.get.query({ id: flowId });
    expect(flow.latestVersion).toBe(4);
    expect(flow.document).toEqual(v1);

    // Esc closes the panel; the inspector is back.
    await history.getByRole('heading', { name: 'Version history' }).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('version-history').count()).toBe(0);
  });
});
