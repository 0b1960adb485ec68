/**
 * Accounts in a real browser: the first start's setup link creates the owner, the owner adds a
 * viewer and invites an editor, the viewer sees flows read-only, everyone signs out.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;

/** Waits for a signed-in page under load: sign-in runs argon2 and reloads the app's data. */
const POLL = { timeout: 20_000 };

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const VIEWER = { email: 'viewer@example.com', password: 'viewer password 1' };

beforeAll(async () => {
  database = await createTestDatabase();
  // No PATCHBAY_ADMIN_*: the start prints a one-time setup link instead.
  server = await startServer({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    PATCHBAY_ADMIN_EMAIL: '',
    PATCHBAY_ADMIN_PASSWORD: '',
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return { context, page: await context.newPage() };
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in-page').waitFor();
}

describe('accounts in the browser', () => {
  it('sets up the owner with the printed link, then signs in and out', async () => {
    const link = await vi.waitFor(
      () => {
        const match = /(https?:\/\/\S+\/setup\?token=\S+)/.exec(server.output());
        if (!match?.[1]) throw new Error('no setup link printed yet');
        return match[1];
      },
      { timeout: 10_000 },
    );
    // The link is the last line printed.
    expect(server.output().trimEnd().split('\n').at(-1)).toContain('/setup?token=');

    const { context, page } = await newPage();
    await page.goto(server.baseUrl);
    await page.getByTestId('setup-needed').waitFor();

    const setupUrl = new URL(link);
    await page.goto(`${server.baseUrl}${setupUrl.pathname}${setupUrl.search}`);
    await page.getByTestId('setup-email').fill(OWNER.email);
    await page.getByTestId('new-password').fill(OWNER.password);
    await page.getByTestId('new-password-confirm').fill(OWNER.password);
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('signed-in-role').textContent(), POLL).toBe('owner');

    // The owner lands on the dashboard and creates a flow for the viewer to look at.
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-flows').click();
    await page.getByTestId('create-flow').click();
    await page.getByTestId('create-flow-name').fill('Shared flow');
    await page.getByTestId('create-flow-submit').click();
    await page.getByTestId('flow-editor').waitFor();
    await page.getByTestId('nav-home').click();

    await signOut(page);
    await signInThroughPage(page, server.baseUrl, OWNER);
    await expect
      .poll(() => page.getByTestId('signed-in-user').textContent(), POLL)
      .toBe(OWNER.email);
    await context.close();
  });

  it('lets the owner add a viewer and invite an editor', async () => {
    const { context, page } = await newPage();
    await signInThroughPage(page, server.baseUrl, OWNER);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-page').waitFor();

    await page.getByTestId('add-user').click();
    await page.getByTestId('add-user-mode-password').click();
    await page.getByTestId('add-user-email').fill(VIEWER.email);
    await page.getByTestId('add-user-role').selectOption('viewer');
    await page.getByTestId('add-user-password').fill(VIEWER.password);
    await page.getByTestId('add-user-submit').click();
    await page.getByTestId(`user-row-${VIEWER.email}`).waitFor();

    await page.getByTestId('add-user').click();
    await page.getByTestId('add-user-email').fill('editor@example.com');
    await page.getByTestId('add-user-role').selectOption('editor');
    await page.getByTestId('add-user-submit').click();
    const invite = await page.getByTestId('invite-link-value').textContent();
    expect(invite).toContain('/invite?token=');
    await context.close();

    // The invited editor opens the link in their own browser and chooses a password.
    const guest = await newPage();
    const inviteUrl = new URL(invite ?? '');
    await guest.page.goto(`${server.baseUrl}${inviteUrl.pathname}${inviteUrl.search}`);
    await guest.page.getByTestId('new-password').fill('editor password 1');
    await guest.page.getByTestId('new-password-confirm').fill('editor password 1');
    await guest.page.getByTestId('invite-submit').click();
    await expect
      .poll(() => guest.page.getByTestId('signed-in-role').textContent(), POLL)
      .toBe('editor');
    await guest.page.getByTestId('nav-flows').click();
    await guest.page.getByTestId('create-flow').waitFor();
    await guest.context.close();
  });

  it('shows a viewer flows read-only, with nothing to edit, run or administer', async () => {
    const { context, page } = await newPage();
    await signInThroughPage(page, server.baseUrl, VIEWER);
    await expect.poll(() => page.getByTestId('signed-in-role').textContent(), POLL).toBe('viewer');
    await page.getByTestId('nav-flows').click();
    await page.getByText('Shared flow').waitFor();
    expect(await page.getByTestId('create-flow').count()).toBe(0);
    expect(await page.getByTestId('import-flow').count()).toBe(0);
    expect(await page.locator('button[data-testid^="delete-flow-"]').count()).toBe(0);

    await page.getByText('Shared flow').click();
    await page.getByTestId('flow-editor').waitFor();
    await page.getByTestId('read-only').waitFor();
    expect(await page.getByTestId('save-flow').count()).toBe(0);
    expect(await page.getByTestId('run-flow').count()).toBe(0);
    expect(await page.getByTestId('node-palette').count()).toBe(0);
    // Selecting a node shows its settings, which cannot be changed.
    await page.locator('.react-flow__node').first().click();
    await page.getByTestId('inspector').waitFor();
    expect(await page.locator('#node-label').isDisabled()).toBe(true);

    await page.getByTestId('user-menu').click();
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    await page.getByTestId('user-menu').click();
    await signOut(page);
    // Signed out for real: the API refuses the old page's requests.
    await page.goto(`${server.baseUrl}/runs`);
    await page.getByTestId('sign-in-page').waitFor();
    await context.close();
  });
});
