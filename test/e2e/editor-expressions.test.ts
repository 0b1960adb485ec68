/**
 * Issue 9 (expressions), in a real browser: a JSONata field autocompletes `$nodes.<id>.<field…>`
 * from the data of the flow's last run, previews the value as the run would compute it, marks a
 * syntax error inline, saves what was typed; a path dropped on a field is inserted.
 */
import type { FlowDocument } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, importFlow, waitForRunsFinal } from '../support/api-client.ts';
import { useBrowserApp } from '../support/browser-app.ts';
import { dropExpressionPath, expressionEditor, fieldText } from '../support/expression-field.ts';
import { sendJson, startUpstream, type Upstream } from '../support/upstream-server.ts';

let upstream: Upstream;
let flowId: string;

const app = useBrowserApp({ viewport: { width: 1600, height: 1000 } });

beforeAll(async () => {
  upstream = await startUpstream((_request, response) =>
    sendJson(response, 200, { items: [{ id: 'a1', price: 5 }] }),
  );
  const document: FlowDocument = chainFlow('Expressions', [
    { id: 'call', type: 'http.request', config: { url: `${upstream.url}/items` } },
    { id: 'shape', type: 'transform.jsonata', config: { expression: '$' } },
  ]);
  flowId = await importFlow(app.api, document);
  const { runId } = await app.api.flows.run.mutate({ id: flowId, input: { customer: 'Ada' } });
  const statuses = await waitForRunsFinal(app.database.url, [runId], 30_000);
  expect(statuses.get(runId)).toBe('succeeded');
});

afterAll(async () => {
  await upstream?.close();
});

const completion = (label: string) =>
  app.page.locator('.cm-tooltip-autocomplete li', {
    has: app.page.locator('.cm-completionLabel', {
      hasText: new RegExp(`^${label.replace(/[[\]]/g, '\\$&')}$`),
    }),
  });

describe('expression fields', () => {
  it('autocompletes from the last run, previews the value, marks syntax errors and saves', async () => {
    await app.page.goto(`${app.server.baseUrl}/flows/${flowId}`);
    await app.page.getByTestId('node-shape').click();
    const field = expressionEditor(app.page, 'field-expression');
    await field.waitFor();
    await field.click();
    await app.page.keyboard.press('Control+a');
    await app.page.keyboard.press('Backspace');

    await field.pressSequentially('$nodes.');
    await completion('call').waitFor();
    await expect.poll(() => completion('trigger').count()).toBe(1);
    await completion('call').click();
    await field.pressSequentially('.');
    await completion('body').waitFor();
    await expect.poll(() => completion('status').count()).toBe(1);
    await completion('body').click();
    await field.pressSequentially('.');
    await completion('items').click();
    await field.pressSequentially('.');
    await completion('[0]').click();
    await field.pressSequentially('.pr');
    await completion('price').click();
    expect(await fieldText(field)).toBe('$nodes.call.body.items[0].price');

    const preview = app.page.getByTestId('field-expression-preview');
    await preview.and(app.page.locator('[data-state="value"]')).waitFor();
    expect(await preview.locator('pre').textContent()).toBe('5');

    // A syntax error: underlined where it is, its message in place of the preview.
    await field.pressSequentially(' +');
    await app.page.locator('.cm-lintRange-error').waitFor();
    await preview.and(app.page.locator('[data-state="syntax"]')).waitFor();
    expect(await preview.textContent()).toContain('Unexpected end of expression');
    await app.page.keyboard.press('Backspace');
    await app.page.keyboard.press('Backspace');
    await preview.and(app.page.locator('[data-state="value"]')).waitFor();

    // Tab leaves the field (the editor does not keep it for indentation).
    await app.page.keyboard.press('Escape');
    await app.page.keyboard.press('Tab');
    await expect
      .poll(() => app.page.evaluate("document.activeElement?.getAttribute('data-testid') ?? null"))
      .not.toBe('field-expression');

    await app.page.getByTestId('save-flow').click();
    await expect
      .poll(async () => {
        const flow = await app.api.flows.get.query({ id: flowId });
        return flow.document.nodes.find((node) => node.id === 'shape')?.config.expression;
      })
      .toBe('$nodes.call.body.items[0].price');
  });

  it('inserts a path dropped on a JSONata field, and as {{ path }} on template fields', async () => {
    await app.page.goto(`${app.server.baseUrl}/flows/${flowId}`);
    await app.page.getByTestId('node-shape').click();
    const expression = expressionEditor(app.page, 'field-expression');
    await expression.waitFor();
    await expression.click();
    await app.page.keyboard.press('Control+a');
    await app.page.keyboard.press('Backspace');
    await dropExpressionPath(app.page, expression, '$.body.items[0].id');
    expect(await fieldText(expression)).toBe('$.body.items[0].id');
    const preview = app.page.getByTestId('field-expression-preview');
    await preview.and(app.page.locator('[data-state="value"]')).waitFor();
    expect(await preview.locator('pre').textContent()).toBe('"a1"');

    await app.page.getByTestId('node-call').click();
    const url = expressionEditor(app.page, 'field-url');
    await url.waitFor();
    await url.click();
    await app.page.keyboard.press('End');
    await dropExpressionPath(app.page, url, '$trigger.customer');
    expect(await fieldText(url)).toBe(`${upstream.url}/items{{ $trigger.customer }}`);

    // A header value is a template too, in a plain input.
    await app.page.getByTestId('field-headers-add').click();
    const header = app.page.getByTestId('field-headers-value-0');
    await dropExpressionPath(app.page, header, '$nodes.trigger.customer');
    expect(await fieldText(header)).toBe('{{ $nodes.trigger.customer }}');
  });
});
