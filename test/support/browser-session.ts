/** Signing in through the web app's sign-in page, as a person does. */
import type { Page } from 'playwright-core';
import type { Credentials } from './server-process.ts';

export async function signInThroughPage(
  page: Page,
  baseUrl: string,
  credentials: Credentials,
): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId('sign-in-email').fill(credentials.email);
  await page.getByTestId('sign-in-password').fill(credentials.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('user-menu').waitFor();
}
