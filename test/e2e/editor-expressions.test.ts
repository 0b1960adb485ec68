/**
 * Issue 9 (expressions), in a real browser: a JSONata field autocompletes `$nodes.<id>.<field…>`
 * from the data of the flow's last run, previews the value as the run would compute it, marks a
 * syntax error inline, saves what was typed; a path dropped on a field is inserted.
 */
import type { FlowDocument } from '@patchbay/engine';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  chainFlow,
  createApi,
  importFlow,
  waitForRunsFinal,
} from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { dropExpressionPath, expressionEditor, fieldText } from '../support/expression-field.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

let database: TestDatabase;
let server: ServerProcess;
let upstream: Upstream;
let api: Api;
let browser: Browser;
let page: Page;
let flowId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  upstream = await startUpstream((_request, response) =>
    sendJson(response, 200, { items: [{ id: 'a1', price: 5 }] }),
  );
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
  const document: FlowDocument = chainFlow('Expressions', [
    { id: 'call', type: 'http.request', config: { url: `${upstream.url}/items` } },
    { id: 'shape', type: 'transform.jsonata', config: { expression: '$' } },
  ]);
  flowId = await importFlow(api, document);
  const { runId } = await api.flows.run.mutate({ id: flowId, input: { customer: 'Ada' } });
  const statuses = await waitForRunsFinal(database.url, [runId], 30_000);
  expect(statuses.get(runId)).toBe('succeeded');
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await signInThroughPage(page, server.baseUrl, server.admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

const completion = (page: Page, label: string) =>
  page.locator('.cm-tooltip-autocomplete li', {
    has: page.locator('.cm-completionLabel', {
      hasText: new RegExp(`^${label.replace(/[[\]]/g, '\\$&')}$`),
    }),
  });

describe('expression fields', () => {
  it('autocompletes from the last run, previews the value, marks syntax errors and saves', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-shape').click();
    const field = expressionEditor(page, 'field-expression');
    await field.waitFor();
    await field.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');

    await field.pressSequentially('$nodes.');
    await completion(page, 'call').waitFor();
    await expect.poll(() => completion(page, 'trigger').count()).toBe(1);
    await completion(page, 'call').click();
    await field.pressSequentially('.');
    await completion(page, 'body').waitFor();
    await expect.poll(() => completion(page, 'status').count()).toBe(1);
    await completion(page, 'body').click();
    await field.pressSequentially('.');
    await completion(page, 'items').click();
    await field.pressSequentially('.');
    await completion(page, '[0]').click();
    await field.pressSequentially('.pr');
    await completion(page, 'price').click();
    expect(await fieldText(field)).toBe('$nodes.call.body.items[0].price');

    const preview = page.getByTestId('field-expression-preview');
    await preview.and(page.locator('[data-state="value"]')).waitFor();
    expect(await preview.locator('pre').textContent()).toBe('5');

    // A syntax error: underlined where it is, its message in place of the preview.
    await field.pressSequentially(' +');
    await page.locator('.cm-lintRange-error').waitFor();
    await preview.and(page.locator('[data-state="syntax"]')).waitFor();
    expect(await preview.textContent()).toContain('Unexpected end of expression');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await preview.and(page.locator('[data-state="value"]')).waitFor();

    // Tab leaves the field (the editor does not keep it for indentation).
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('data-testid') ?? null"))
      .not.toBe('field-expression');

    await page.getByTestId('save-flow').click();
    await expect
      .poll(async () => {
        const flow = await api.flows.get.query({ id: flowId });
        return flow.document.nodes.find((node) => node.id === 'shape')?.config.expression;
      })
      .toBe('$nodes.call.body.items[0].price');
  });

  it('inserts a path dropped on a JSONata field, and as {{ path }} on template fields', async () => {
    await page.goto(`${server.baseUrl}/flows/${flowId}`);
    await page.getByTestId('node-shape').click();
    const expression = expressionEditor(page, 'field-expression');
    await expression.waitFor();
    await expression.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    await dropExpressionPath(page, expression, '$.body.items[0].id');
    expect(await fieldText(expression)).toBe('$.body.items[0].id');
    const preview = page.getByTestId('field-expression-preview');
    await preview.and(page.locator('[data-state="value"]')).waitFor();
    expect(await preview.locator('pre').textContent()).toBe('"a1"');

    await page.getByTestId('node-call').click();
    const url = expressionEditor(page, 'field-url');
    await url.waitFor();
    await url.click();
    await page.keyboard.press('End');
    await dropExpressionPath(page, url, '$trigger.customer');
    expect(await fieldText(url)).toBe(`${upstream.url}/items{{ $trigger.customer }}`);

    // A header value is a template too, in a plain input.
    await page.getByTestId('field-headers-add').click();
    const header = page.getByTestId('field-headers-value-0');
    await dropExpressionPath(page, header, '$nodes.trigger.customer');
    expect(await fieldText(header)).toBe('{{ $nodes.trigger.customer }}');
  });
});
