/**
 * Adding nodes from the keyboard through a real browser: the node picker on `/` and Tab, the
 * picker on a connection dropped on empty canvas (node added and connected in one undo step),
 * and the palette's search.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { dragHandleTo } from '../support/canvas.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let api: Api;
let flowId: string;
let branchingFlowId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  flowId = await importFlow(api, {
    version: 1,
    name: 'Quick add',
    nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  });
  branchingFlowId = await importFlow(api, {
    version: 1,
    name: 'Branching',
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'logic_if_1',
        type: 'logic.if',
        position: { x: 320, y: 0 },
        config: { condition: 'true' },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'logic_if_1' }],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

const nodeCount = (page: Page) => page.locator('.react-flow__node').count();
const edgeCount = (page: Page) => page.locator('.react-flow__edge').count();

// A string: this package's tsconfig has no DOM types.
const focusedTestId = (page: Page) =>
  page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null');

/** A locator's box once the canvas has stopped moving it (fitView runs after nodes measure). */
async function settledBox(locator: Locator) {
  let previous = await locator.boundingBox();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = await locator.boundingBox();
    if (!current) throw new Error('not visible');
    if (previous && current.x === previous.x && current.y === previous.y) return current;
    previous = current;
  }
}

async function nodeBox(page: Page, id: string) {
  const box = await page.getByTestId(`node-${id}`).boundingBox();
  if (!box) throw new Error(`node ${id} not visible`);
  return box;
}

describe('quick add', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await signInThroughPage(page, server.baseUrl, server.admin);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-trigger').waitFor();
  });
  afterAll(() => context?.close());

  it('adds the picked node beside the selected node on `/`, selected', async () => {
    await page.getByTestId('node-trigger').click();
    await page.keyboard.press('/');
    const search = page.getByTestId('node-picker-search');
    await search.waitFor();
    // Focus is in the search box, and the `/` that opened it was not typed into it.
    expect(await focusedTestId(page)).toBe('node-picker-search');
    expect(await search.inputValue()).toBe('');
    await search.pressSequentially('json');
    await expect
      .poll(() => page.getByTestId('node-picker').getByRole('option').first().textContent())
      .toContain('JSONata');
    await page.keyboard.press('Enter');

    await page.getByTestId('node-transform_jsonata_1').waitFor();
    expect(await page.getByTestId('node-picker-search').count()).toBe(0);
    const trigger = await nodeBox(page, 'trigger');
    const added = await nodeBox(page, 'transform_jsonata_1');
    expect(added.x).toBeGreaterThan(trigger.x + trigger.width);
    expect(Math.abs(added.y - trigger.y)).toBeLessThan(8);
    // Inside the view.
    expect(added.x + added.width).toBeLessThan(1600);
    await expect
      .poll(() => page.getByTestId('node-transform_jsonata_1').getAttribute('class'))
      .toContain('is-selected');

    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(1);
  });

  it('opens on Tab from the canvas, moves with the arrow keys and closes on Escape', async () => {
    await page.getByTestId('node-trigger').click();
    await page.keyboard.press('Tab');
    const search = page.getByTestId('node-picker-search');
    await search.waitFor();
    const options = page.getByTestId('node-picker').getByRole('option');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    // Tab keeps focus in the search box.
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('node-picker-search');
    await page.keyboard.press('Escape');
    await expect.poll(() => search.count()).toBe(0);
    expect(await nodeCount(page)).toBe(1);
  });

  it('opens on Tab again right after adding a node with it, and not for Tab moving focus', async () => {
    await page.getByTestId('node-trigger').click();
    await page.keyboard.press('Tab');
    const search = page.getByTestId('node-picker-search');
    await search.pressSequentially('json');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-transform_jsonata_1').waitFor();
    await page.keyboard.press('Tab');
    await search.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => search.count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(1);

    // A keyboard user tabbing from the palette reaches the trigger and goes on past it.
    await page.getByTestId('palette-search').focus();
    const onTrigger = () =>
      page.evaluate<boolean>(
        'document.activeElement?.matches(\'.react-flow__node[data-id="trigger"]\')',
      );
    for (let presses = 0; !(await onTrigger()); presses++) {
      if (presses > 60) throw new Error('Tab never reached the trigger node');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Tab');
    expect(await onTrigger()).toBe(false);
    expect(await search.count()).toBe(0);
  });

  it('adds a node connected to an output dropped on empty canvas, undone in one step', async () => {
    const handle = page.getByTestId('handle-trigger-out-out');
    const box = await settledBox(handle);
    await dragHandleTo(page, handle, { x: box.x + 260, y: box.y + 220 });

    const search = page.getByTestId('node-picker-search');
    await search.waitFor();
    // A trigger has no input, so it cannot be connected to.
    await page.getByTestId('node-picker-option-http.request').waitFor();
    expect(await page.getByTestId('node-picker-option-trigger.manual').count()).toBe(0);
    await search.pressSequentially('HTTP');
    await page.keyboard.press('Enter');

    await page.getByTestId('node-http_request_1').waitFor();
    await expect.poll(() => edgeCount(page)).toBe(1);
    expect(await page.locator('.react-flow__edge[data-id="trigger-http_request_1"]').count()).toBe(
      1,
    );
    // The new node sits where the connection was dropped.
    const added = await nodeBox(page, 'http_request_1');
    expect(Math.abs(added.x - (box.x + 260))).toBeLessThan(40);

    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(1);
    await expect.poll(() => edgeCount(page)).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodeCount(page)).toBe(2);
    await expect.poll(() => edgeCount(page)).toBe(1);
  });

  it('filters the palette by its search box', async () => {
    const palette = page.getByTestId('node-palette');
    await page.getByTestId('palette-search').fill('manual');
    await expect.poll(() => palette.getByTestId('palette-http.request').count()).toBe(0);
    expect(await palette.getByTestId('palette-transform.jsonata').count()).toBe(0);
    expect(await palette.getByTestId('palette-trigger.manual').count()).toBe(1);
    await page.getByTestId('palette-search').fill('no such node type');
    await palette.getByText('No node type matches').waitFor();
    await page.getByTestId('palette-search').fill('');
    await palette.getByTestId('palette-http.request').waitFor();
  });

  it('connects a new node to the branch it was dragged from, and opens from the toolbar', async () => {
    await page.goto(`${server.baseUrl}/flows/${branchingFlowId}`);
    await page.getByTestId('node-logic_if_1').waitFor();

    const handle = page.getByTestId('handle-logic_if_1-out-false');
    const box = await settledBox(handle);
    await dragHandleTo(page, handle, { x: box.x + 200, y: box.y + 160 });
    await page.getByTestId('node-picker-option-transform.jsonata').click();

    await page.getByTestId('node-transform_jsonata_1').waitFor();
    await expect
      .poll(() =>
        page.locator('.react-flow__edge[data-id="logic_if_1-false-transform_jsonata_1"]').count(),
      )
      .toBe(1);
    expect(await edgeCount(page)).toBe(2);

    await page.getByTestId('add-node').click();
    await page.getByTestId('node-picker-search').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('node-picker-search').count()).toBe(0);
  });
});
