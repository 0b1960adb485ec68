/**
 * Issue 9's `?` key and lazy pages through a real browser: `?` opens the keyboard map on the
 * dashboard and in the editor, Escape closes it, `?` typed in a text field stays text, and moving
 * between pages loads each page's chunk on the way (the canvas only when the editor opens).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
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
  const api = await createApi(server);
  flowId = await importFlow(api, {
    version: 1,
    name: 'Keyboard flow',
    nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

const keyboardMap = () => page.getByRole('dialog', { name: 'Keyboard shortcuts' });

async function expectKeyboardMapOpensAndCloses(): Promise<void> {
  await page.keyboard.press('?');
  await keyboardMap().waitFor();
  expect(await keyboardMap().getByText('Undo', { exact: true }).isVisible()).toBe(true);
  expect(await keyboardMap().getByText('Redo', { exact: true }).isVisible()).toBe(true);
  await page.keyboard.press('Escape');
  await keyboardMap().waitFor({ state: 'hidden' });
}

describe('the keyboard map', () => {
  it('opens with ? on the dashboard and closes with Escape', async () => {
    await page.goto(server.baseUrl);
    await page.getByTestId('dashboard-empty').waitFor();
    await expectKeyboardMapOpensAndCloses();
  });

  it('leaves ? typed in a text field alone', async () => {
    await page.getByTestId('nav-flows').click();
    const search = page.getByTestId('flow-search');
    await search.click();
    await page.keyboard.type('what?');
    expect(await search.inputValue()).toBe('what?');
    expect(await keyboardMap().isVisible()).toBe(false);
    await search.fill('');
  });

  it('opens with ? in the editor and from the user menu', async () => {
    await page.getByTestId(`flow-link-${flowId}`).click();
    await page.getByTestId('node-trigger').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 600, y: 500 } });
    await expectKeyboardMapOpensAndCloses();

    await page.getByTestId('user-menu').click();
    await page.getByTestId('show-keyboard-map').click();
    await keyboardMap().waitFor();
    await page.keyboard.press('Escape');
    await keyboardMap().waitFor({ state: 'hidden' });
  });
});

describe('lazily loaded pages', () => {
  it('loaded the canvas only when the editor opened, and navigation keeps working', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Script files fetched, by chunk name (assets/canvas-AbC123.js → canvas).
    const chunks = new Set<string>();
    fresh.on('request', (request) => {
      const match = /\/assets\/(.+)-[\w-]{8}\.js$/.exec(new URL(request.url()).pathname);
      if (match?.[1]) chunks.add(match[1]);
    });
    try {
      await signInThroughPage(fresh, server.baseUrl, server.admin);
      await fresh.getByTestId('dashboard-empty').waitFor();
      expect(chunks.has('dashboard-page')).toBe(true);
      expect(chunks.has('canvas')).toBe(false);

      await fresh.getByTestId('nav-flows').click();
      await fresh.getByTestId(`flow-link-${flowId}`).waitFor();
      expect(chunks.has('canvas')).toBe(false);

      await fresh.getByTestId(`flow-link-${flowId}`).click();
      await fresh.getByTestId('node-trigger').waitFor();
      expect(chunks.has('flow-editor-page')).toBe(true);
      expect(chunks.has('canvas')).toBe(true);

      await fresh.getByTestId('nav-runs').click();
      await fresh.getByTestId('run-filter-bar').waitFor();
      await fresh.getByTestId('nav-dashboard').click();
      await fresh.getByTestId('dashboard-empty').waitFor();
      expect(await fresh.getByTestId('nav-dashboard').getAttribute('class')).toContain('is-active');
    } finally {
      await fresh.close();
    }
  });
});
