/**
 * The editor's safety nets through a real browser: undo and redo of every kind of edit, copy
 * and paste across flows (with and without Clipboard API permission), the unsaved-changes
 * guard, and the local draft offered after a reload.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { connectHandles } from '../support/canvas.ts';
import { expressionEditor, fieldText, fillExpression } from '../support/expression-field.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let api: Api;
let flowA: string;
let flowB: string;

const URL_A = 'https://example.test/orders';

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  flowA = await importFlow(api, {
    version: 1,
    name: 'Flow A',
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'transform_jsonata_1',
        type: 'transform.jsonata',
        position: { x: 320, y: 0 },
        config: { expression: '$' },
      },
      {
        id: 'http_request_1',
        type: 'http.request',
        position: { x: 320, y: 260 },
        config: { url: URL_A },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'transform_jsonata_1' }],
  });
  flowB = await importFlow(api, {
    version: 1,
    name: 'Flow B',
    nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await signInThroughPage(page, server.baseUrl, server.admin);
  return page;
}

async function openFlow(page: Page, flowId: string): Promise<void> {
  await page.goto(`${server.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-trigger').waitFor();
}

/** In-app navigation (no reload), as a link click does. */
async function navigateInApp(page: Page, path: string): Promise<void> {
  // A string: this package's tsconfig has no DOM types.
  await page.evaluate(
    `history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'));`,
  );
}

const nodeCount = (page: Page) => page.locator('.react-flow__node').count();
const edgeCount = (page: Page) => page.locator('.react-flow__edge').count();
const dirty = (page: Page) => page.getByTestId('dirty-indicator').getAttribute('data-dirty');

async function nodeBox(page: Page, id: string) {
  const box = await page.getByTestId(`node-${id}`).boundingBox();
  if (!box) throw new Error(`node ${id} not visible`);
  return box;
}

/** Clicks empty canvas, which also takes focus out of any inspector field. */
async function clickPane(page: Page): Promise<void> {
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (!pane) throw new Error('pane not visible');
  await page.mouse.click(pane.x + 20, pane.y + pane.height - 20);
}

describe('editor history', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await openPage(context);
    page.on('dialog', (dialog) => void dialog.accept());
  });
  afterAll(() => context?.close());

  it('undoes and redoes add, move, connect, disconnect, config change, delete and paste', async () => {
    await openFlow(page, flowA);
    await page.getByTestId('node-http_request_1').waitFor();
    expect(await dirty(page)).toBe('false');

    // Add.
    await page.getByTestId('palette-transform.jsonata').click();
    await expect.poll(() => nodeCount(page)).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(3);
    expect(await dirty(page)).toBe('false');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodeCount(page)).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(3);

    // Move: one drag is one step.
    const before = await nodeBox(page, 'http_request_1');
    await page.mouse.move(before.x + 40, before.y + 20);
    await page.mouse.down();
    await page.mouse.move(before.x + 140, before.y + 100, { steps: 12 });
    await page.mouse.up();
    const moved = await nodeBox(page, 'http_request_1');
    expect(Math.abs(moved.x - before.x)).toBeGreaterThan(50);
    await clickPane(page);
    await page.keyboard.press('Control+z');
    await expect
      .poll(async () => Math.round((await nodeBox(page, 'http_request_1')).x))
      .toBe(Math.round(before.x));
    await page.keyboard.press('Control+y');
    await expect
      .poll(async () => Math.round((await nodeBox(page, 'http_request_1')).x))
      .toBe(Math.round(moved.x));
    await page.keyboard.press('Control+z');
    await expect.poll(() => dirty(page)).toBe('false');

    // Connect.
    await connectHandles(
      page,
      page.getByTestId('handle-transform_jsonata_1-out-out'),
      page.getByTestId('handle-http_request_1-in-in'),
    );
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeCount(page)).toBe(1);
    await page.keyboard.press('Control+y');
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeCount(page)).toBe(1);

    // Disconnect.
    await page.locator('.react-flow__edge-interaction').first().click({ force: true });
    await page.keyboard.press('Delete');
    await expect.poll(() => edgeCount(page)).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeCount(page)).toBe(1);
    await expect.poll(() => dirty(page)).toBe('false');

    // Config change: typing in one field is one step, restored exactly.
    await page.getByTestId('node-http_request_1').click();
    await fillExpression(page, 'field-url', 'https://changed.test/a');
    await page.getByTestId('field-url').pressSequentially('bc');
    // Inside the field the browser's own undo applies, not the canvas's.
    await clickPane(page);
    await expect.poll(() => dirty(page)).toBe('true');
    await page.keyboard.press('Control+z');
    await page.getByTestId('node-http_request_1').click();
    expect(await fieldText(expressionEditor(page, 'field-url'))).toBe(URL_A);
    await expect.poll(() => dirty(page)).toBe('false');
    await clickPane(page);
    await page.keyboard.press('Control+Shift+z');
    await page.getByTestId('node-http_request_1').click();
    expect(await fieldText(expressionEditor(page, 'field-url'))).toBe('https://changed.test/abc');
    await clickPane(page);
    await page.keyboard.press('Control+z');

    // Delete (a node and its edge in one step).
    await page.getByTestId('node-transform_jsonata_1').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(2);
    await expect.poll(() => edgeCount(page)).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(3);
    await expect.poll(() => edgeCount(page)).toBe(1);

    // Paste (copy within the flow); internal edges come along.
    await page.getByTestId('node-trigger').click();
    await page.getByTestId('node-transform_jsonata_1').click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.getByTestId('node-transform_jsonata_2').waitFor();
    await page.getByTestId('node-trigger_manual_1').waitFor();
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(3);
    await expect.poll(() => edgeCount(page)).toBe(1);
    await expect.poll(() => dirty(page)).toBe('false');
  });

  it('deletes a node in a chain and reconnects its neighbours from the context menu', async () => {
    await openFlow(page, flowA);
    await connectHandles(
      page,
      page.getByTestId('handle-transform_jsonata_1-out-out'),
      page.getByTestId('handle-http_request_1-in-in'),
    );
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.getByTestId('node-transform_jsonata_1').click({ button: 'right' });
    await page.getByTestId('context-delete-reconnect').click();
    await expect.poll(() => nodeCount(page)).toBe(2);
    await expect.poll(() => edgeCount(page)).toBe(1);
    await page.locator('[data-id="trigger-http_request_1"]').waitFor();
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(3);
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => dirty(page)).toBe('false');
  });
});

describe('copy and paste across flows', () => {
  async function copyHttpNodeFromA(page: Page): Promise<void> {
    await openFlow(page, flowA);
    await page.getByTestId('node-http_request_1').click();
    await page.keyboard.press('Control+c');
  }

  async function expectPastedIntoB(page: Page): Promise<void> {
    await page.getByTestId('node-trigger').waitFor();
    await clickPane(page);
    await page.keyboard.press('Control+v');
    await page.getByTestId('node-http_request_1').waitFor();
    await page.getByTestId('node-http_request_1').click();
    expect(await fieldText(expressionEditor(page, 'field-url'))).toBe(URL_A);
    expect(await dirty(page)).toBe('true');
    // Leave B as saved for the next case.
    await clickPane(page);
    await page.keyboard.press('Control+z');
    await expect.poll(() => dirty(page)).toBe('false');
  }

  it('falls back to the in-app clipboard when the Clipboard API is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    try {
      const page = await openPage(context);
      await copyHttpNodeFromA(page);
      // Without the permission, the Clipboard API refuses to read here.
      await expect(page.evaluate('navigator.clipboard.readText()')).rejects.toThrow();
      await navigateInApp(page, `/flows/${flowB}`);
      await expectPastedIntoB(page);
    } finally {
      await context.close();
    }
  });

  it('uses the system clipboard when permitted, so paste works in another tab', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: server.baseUrl,
      });
      const first = await openPage(context);
      await copyHttpNodeFromA(first);
      const copied = await first.evaluate<string>('navigator.clipboard.readText()');
      expect(JSON.parse(copied)).toMatchObject({ version: 1, nodes: [{ id: 'http_request_1' }] });
      const second = await context.newPage();
      await openFlow(second, flowB);
      await expectPastedIntoB(second);
    } finally {
      await context.close();
    }
  });
});

describe('no lost work', () => {
  let context: BrowserContext;
  let page: Page;
  let answer = false;
  let asked = 0;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await openPage(context);
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'beforeunload') return void dialog.accept();
      asked += 1;
      void (answer ? dialog.accept() : dialog.dismiss());
    });
  });
  afterAll(() => context?.close());

  it('asks before leaving with unsaved changes: cancel stays, confirm leaves', async () => {
    await openFlow(page, flowB);
    // Clean: no question.
    await page.getByTestId('run-history-link').click();
    await page.waitForURL(`**/flows/${flowB}/runs`);
    expect(asked).toBe(0);

    await openFlow(page, flowB);
    await page.getByTestId('palette-transform.jsonata').click();
    await expect.poll(() => dirty(page)).toBe('true');
    answer = false;
    await page.getByTestId('run-history-link').click();
    expect(asked).toBe(1);
    expect(new URL(page.url()).pathname).toBe(`/flows/${flowB}`);
    await expect.poll(() => nodeCount(page)).toBe(2);

    answer = true;
    await page.getByTestId('run-history-link').click();
    await page.waitForURL(`**/flows/${flowB}/runs`);
    expect(asked).toBe(2);
  });

  it('keeps a draft across a reload, offers it, and clears it on save', async () => {
    // The edit discarded by "leave" in the test before must not come back as a draft (a draft
    // write scheduled before leaving once brought it back while the next page's chunk loaded).
    await openFlow(page, flowB);
    expect(await page.getByTestId('draft-banner').count()).toBe(0);
    await page.getByTestId('palette-transform.jsonata').click();
    await expect.poll(() => nodeCount(page)).toBe(2);
    const key = `patchbay.flow-draft.${flowB}`;
    // Drafts are written once editing pauses, in idle time.
    await expect
      .poll(() => page.evaluate((k) => localStorage.getItem(k) !== null, key), { timeout: 10_000 })
      .toBe(true);

    await page.reload();
    await page.getByTestId('draft-banner').waitFor();
    expect(await nodeCount(page)).toBe(1);
    await page.getByTestId('draft-restore').click();
    await expect.poll(() => nodeCount(page)).toBe(2);
    expect(await dirty(page)).toBe('true');

    await page.getByTestId('save-flow').click();
    await expect.poll(() => dirty(page)).toBe('false');
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), key)).toBeNull();
    await page.reload();
    await page.getByTestId('node-transform_jsonata_1').waitFor();
    expect(await page.getByTestId('draft-banner').count()).toBe(0);
  });
});
