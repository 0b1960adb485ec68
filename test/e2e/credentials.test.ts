/**
 * The Credentials page in a real browser: an admin creates a bearer credential with a test URL,
 * tests it against a local upstream, edits it (the secret stays write-only: "set", empty input),
 * and the secret never appears in the page or an API response; an editor can test but not edit.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startUpstream, type Upstream } from '../support/upstream-server.ts';

const TOKEN = 'e2e-bearer-secret-4f1a';
const POLL = { timeout: 20_000 };

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let upstream: Upstream;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  browser = await launchBrowser();
  upstream = await startUpstream((request, response) => {
    response.statusCode = request.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401;
    response.end();
  });
});
afterAll(async () => {
  await browser?.close();
  await upstream?.close();
  await server?.stop();
  await database?.drop();
});

describe('the Credentials page', () => {
  it('creates, tests and edits a credential without ever showing its secret', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const responses: string[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/trpc/')) {
        void response
          .text()
          .then((text) => responses.push(text))
          .catch(() => undefined);
      }
    });
    await signInThroughPage(page, server.baseUrl, server.admin);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('nav-credentials').click();
    await page.getByTestId('credentials-page').waitFor();

    await page.getByTestId('create-credential').click();
    await page.getByTestId('credential-name').fill('Upstream API');
    await page.getByTestId('credential-type').selectOption('httpBearer');
    await page.getByTestId('credential-field-token').fill(TOKEN);
    expect(await page.getByTestId('credential-field-token').getAttribute('type')).toBe('password');
    await page.getByText('Advanced').click();
    await page.getByTestId('credential-field-testUrl').fill(`${upstream.url}/me`);
    await page.getByTestId('credential-submit').click();
    await page.getByTestId('credential-row-Upstream API').waitFor();

    await page.getByTestId('test-credential-Upstream API').click();
    await expect
      .poll(() => page.getByTestId('credential-test-result-Upstream API').textContent(), POLL)
      .toContain(`GET ${upstream.url}/me answered 200`);

    await page.getByTestId('edit-credential-Upstream API').click();
    await expect
      .poll(() => page.getByTestId('credential-secret-token').textContent(), POLL)
      .toBe('set');
    expect(await page.getByTestId('credential-field-token').inputValue()).toBe('');
    await page.getByTestId('credential-name').fill('Upstream API v2');
    await page.getByTestId('credential-submit').click();
    await page.getByTestId('credential-row-Upstream API v2').waitFor();
    // The secret left empty was kept: the test still passes.
    await page.getByTestId('test-credential-Upstream API v2').click();
    await expect
      .poll(() => page.getByTestId('credential-test-result-Upstream API v2').textContent(), POLL)
      .toContain('answered 200');

    expect(await page.content()).not.toContain(TOKEN);
    expect(responses.length).toBeGreaterThan(0);
    expect(responses.join('\n')).not.toContain(TOKEN);
    await context.close();
  });

  it('lets an editor test credentials but not manage them', async () => {
    const api = await createApi(server);
    const editor = { email: 'editor@example.com', password: 'editor password 1' };
    await api.users.create.mutate({ ...editor, role: 'editor' });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signInThroughPage(page, server.baseUrl, editor);
    await page.goto(`${server.baseUrl}/credentials`);
    await page.getByTestId('credential-row-Upstream API v2').waitFor();
    expect(await page.getByTestId('test-credential-Upstream API v2').count()).toBe(1);
    expect(await page.getByTestId('create-credential').count()).toBe(0);
    expect(await page.getByTestId('edit-credential-Upstream API v2').count()).toBe(0);
    await context.close();
  });
});
