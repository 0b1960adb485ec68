import { runNodeType } from '@patchbay/engine/testing';
import { describe, expect, it } from 'vitest';
import { transformJsonataNode } from './transform-jsonata.ts';

const orders = {
  body: {
    orders: [
      { id: 1, status: 'paid' },
      { id: 2, status: 'open' },
      { id: 3, status: 'paid' },
    ],
  },
};

describe('transform.jsonata', () => {
  it('outputs the expression’s result over the input', async () => {
    const result = await runNodeType(
      transformJsonataNode,
      { expression: "$.body.orders[status='paid'].id" },
      { input: orders },
    );
    expect(result.output).toEqual([1, 3]);
  });

  it('reads other nodes through $nodes and the run input through $trigger', async () => {
    const result = await runNodeType(
      transformJsonataNode,
      { expression: '{ "count": $count($nodes.fetch.body.orders), "who": $trigger.user }' },
      { nodes: { fetch: orders }, trigger: { user: 'ada' } },
    );
    expect(result.output).toEqual({ count: 3, who: 'ada' });
  });

  it('outputs null when the expression matches nothing', async () => {
    const result = await runNodeType(
      transformJsonataNode,
      { expression: '$.missing' },
      { input: {} },
    );
    expect(result).toEqual({ output: null });
  });

  it('fails with EXPRESSION_FAILED naming the node and the field', async () => {
    const error = await runNodeType(
      transformJsonataNode,
      { expression: '$number("x")' },
      { nodeId: 'calc' },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'EXPRESSION_FAILED',
      nodeId: 'calc',
      details: { field: 'expression' },
    });
  });
});
