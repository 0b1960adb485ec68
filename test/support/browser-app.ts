/**
 * The usual browser-test setup in one place: a fresh database, the server (web app included), an
 * API client, and a Chromium page signed in as the owner; all stopped after the file's tests.
 *
 *   const app = useBrowserApp({ viewport: { width: 1440, height: 1000 } });
 *   it('…', async () => { await app.page.goto(app.server.baseUrl); … });
 *
 * The fields are set in `beforeAll`, so read them inside hooks and tests, not at module level.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Api, createApi } from './api-client.ts';
import { launchBrowser } from './browser.ts';
import { signInThroughPage } from './browser-session.ts';
import { type ServerProcess, startServer } from './server-process.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export type BrowserApp = {
  database: TestDatabase;
  server: ServerProcess;
  api: Api;
  browser: Browser;
  /** Signed in as the owner (server.admin). */
  page: Page;
};

export type BrowserAppOptions = {
  /** Extra server environment (DATABASE_URL and LOG_LEVEL=warn are set). */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Runs in beforeAll before the page signs in, e.g. `page.addInitScript(…)`. */
  beforeSignIn?: (page: Page) => Promise<unknown>;
};

export function useBrowserApp(options: BrowserAppOptions = {}): BrowserApp {
  const app = {} as BrowserApp;
  beforeAll(async () => {
    app.database = await createTestDatabase();
    app.server = await startServer({
      DATABASE_URL: app.database.url,
      LOG_LEVEL: 'warn',
      ...options.env,
    });
    app.api = await createApi(app.server);
    app.browser = await launchBrowser();
    app.page = await app.browser.newPage({
      viewport: options.viewport ?? { width: 1440, height: 1000 },
    });
    await options.beforeSignIn?.(app.page);
    await signInThroughPage(app.page, app.server.baseUrl, app.server.admin);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
    await app.database?.drop();
  });
  return app;
}
