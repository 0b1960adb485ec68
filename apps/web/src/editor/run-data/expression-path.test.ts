import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { expressionPath, nodeOutputRoot } from './expression-path.ts';

describe('expressionPath', () => {
  it('writes keys as fields and indexes in brackets', () => {
    expect(expressionPath('$', ['body', 'items', 0, 'id'])).toBe('$.body.items[0].id');
    expect(expressionPath('$trigger', [])).toBe('$trigger');
  });

  it('quotes keys that are not identifiers, and the result evaluates to the value', async () => {
    const data = { 'order id': { 'x-y': [1, { ok: true }] } };
    const path = expressionPath('$', ['order id', 'x-y', 1, 'ok']);
    expect(path).toBe('$.`order id`.`x-y`[1].ok');
    expect(await jsonata(path).evaluate(data)).toBe(true);
  });

  it('roots a node output at $nodes.<id>', async () => {
    expect(nodeOutputRoot('call')).toBe('$nodes.call');
    const root = nodeOutputRoot('call-api');
    expect(root).toBe('$nodes.`call-api`');
    const value = await jsonata(`${root}.status`).evaluate(
      {},
      { nodes: { 'call-api': { status: 200 } } },
    );
    expect(value).toBe(200);
  });
});
