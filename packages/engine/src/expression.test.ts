import { describe, expect, it } from 'vitest';
import { NodeExecutionError } from './errors.ts';
import {
  checkExpressionSyntax,
  compileExpression,
  evaluateExpression,
  withoutSequenceMarkers,
} from './expression.ts';

const scope = {
  input: { amount: 120, items: [1, 2, 3] },
  nodes: { fetch: { body: { orders: [{ id: 1, status: 'paid' }] } } },
  trigger: { user: 'ada' },
};
const site = { nodeId: 'calc', field: 'expression' };

describe('expressions', () => {
  it('compiles each distinct source once', () => {
    const first = compileExpression('$sum($.items)');
    expect(first.ok).toBe(true);
    expect(compileExpression('$sum($.items)')).toBe(first);
  });

  it('evaluates against $, $nodes and $trigger', async () => {
    await expect(evaluateExpression('$sum($.items) + $.amount', scope, site)).resolves.toBe(126);
    await expect(
      evaluateExpression("$nodes.fetch.body.orders[status='paid'].id", scope, site),
    ).resolves.toBe(1);
    await expect(evaluateExpression('$trigger.user', scope, site)).resolves.toBe('ada');
  });

  it('reports syntax errors with JSONata’s message and position', () => {
    expect(checkExpressionSyntax('$.a[')).toEqual({
      message: 'Expected "]" before end of expression',
      position: 4,
      token: '(end)',
    });
    expect(checkExpressionSyntax('$.a')).toBeUndefined();
  });

  it('turns evaluation failures into EXPRESSION_FAILED naming the node and field', async () => {
    const error = await evaluateExpression('$nope()', scope, site).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error).toMatchObject({
      code: 'EXPRESSION_FAILED',
      nodeId: 'calc',
      retryable: false,
      details: { field: 'expression', position: 6, token: 'nope' },
    });
    expect((error as Error).message).toBe(
      'Node "calc": expression in "expression" failed: Attempted to invoke a non-function (at character 6)',
    );
  });
});

describe('withoutSequenceMarkers', () => {
  it('returns plain arrays for the marked arrays JSONata builds', async () => {
    const result = await evaluateExpression(
      '{ "ids": $.orders.id }',
      { input: { orders: [{ id: 1 }, { id: 2 }] }, nodes: {}, trigger: {} },
      site,
    );
    expect(result).toStrictEqual({ ids: [1, 2] });
  });

  it('leaves values without markers as the same objects', () => {
    const value = { a: [1, { b: [2] }], c: 'x' };
    expect(withoutSequenceMarkers(value)).toBe(value);
  });
});
