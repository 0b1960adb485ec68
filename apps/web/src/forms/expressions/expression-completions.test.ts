import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { completeExpression, describeValue } from './expression-completions.ts';
import type { ExpressionData } from './expression-data.ts';

const data: ExpressionData = {
  input: { value: { body: { items: [{ id: 'a1', price: 5 }] }, 'order id': 3 }, source: 'run' },
  trigger: { value: { orderId: 7 }, source: 'run' },
  nodes: [
    {
      id: 'call',
      label: 'Call API',
      sample: { value: { status: 200, body: { items: [{ id: 'a1', price: 5 }] } }, source: 'run' },
    },
    { id: 'call-2', label: undefined, sample: { value: { ok: true }, source: 'declared' } },
    { id: 'trigger', label: undefined, sample: undefined },
  ],
};

/** Completes at the end of `text` and applies option `label`, as the editor would. */
function accept(text: string, label: string): string {
  const result = completeExpression(text, text.length, data);
  const option = result?.options.find((candidate) => candidate.label === label);
  if (!result || !option) throw new Error(`no option ${label} after ${text}`);
  return text.slice(0, result.from) + option.apply;
}

const labels = (text: string, explicit = false) =>
  completeExpression(text, text.length, data, explicit)?.options.map((option) => option.label);

describe('completeExpression', () => {
  it('offers the roots at a $, filtered by what is typed', () => {
    expect(labels('$')).toEqual(['$', '$nodes', '$trigger']);
    expect(labels('1 + $tr')).toEqual(['$trigger']);
    expect(labels('', true)).toEqual(['$', '$nodes', '$trigger']);
    expect(labels('')).toBeUndefined();
  });

  it('offers the upstream node ids after $nodes., with their labels and data', () => {
    const result = completeExpression('$nodes.', 7, data);
    expect(result?.options.map((option) => [option.label, option.detail])).toEqual([
      ['call', 'Call API · object · 2 fields'],
      ['call-2', 'object · 1 field (example)'],
      ['trigger', 'no data yet'],
    ]);
    expect(accept('$nodes.', 'call-2')).toBe('$nodes.`call-2`');
    expect(labels('$nodes.ca')).toEqual(['call', 'call-2']);
  });

  it('walks into fields, offers [0] on arrays and then the fields of the first item', () => {
    let text = accept('$nodes.', 'call');
    expect(labels(`${text}.`)).toEqual(['status', 'body']);
    text = accept(`${text}.`, 'body');
    text = accept(`${text}.`, 'items');
    expect(labels(`${text}.`)).toEqual(['[0]', 'id', 'price']);
    text = accept(`${text}.`, '[0]');
    text = accept(`${text}.`, 'price');
    expect(text).toBe('$nodes.call.body.items[0].price');
    expect(labels('$nodes.call.body.items.p')).toEqual(['price']);
  });

  it('completes the input after $. and quotes field names JSONata needs quoted', async () => {
    expect(labels('$.')).toEqual(['body', 'order id']);
    const text = accept('$.', 'order id');
    expect(text).toBe('$.`order id`');
    expect(await jsonata(text).evaluate(data.input?.value)).toBe(3);
    expect(labels('$trigger.')).toEqual(['orderId']);
  });

  it('describes each value by its type and a short preview', () => {
    expect(describeValue('Ada')).toBe('string · "Ada"');
    expect(describeValue(5)).toBe('number · 5');
    expect(describeValue([1, 2])).toBe('array · 2 items');
    expect(describeValue(null)).toBe('null · null');
    expect(describeValue({ a: 1 })).toBe('object · 1 field');
    expect(describeValue('x'.repeat(100))).toMatch(/^string · "x{38}…"$/);
  });

  it('offers nothing where the path has no data, or the cursor is not at a path', () => {
    expect(labels('$nodes.trigger.')).toBeUndefined();
    expect(labels('$nodes.call.missing.')).toEqual([]);
    expect(labels('"text"')).toBeUndefined();
  });
});
