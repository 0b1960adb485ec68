/**
 * flows.previewExpression (issue 9): an expression of a node evaluated as the node would in a
 * run, with the data of an earlier run, in the sandbox under the node's limits; nothing recorded.
 */
import type { FlowDocument } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { trpcFailure } from '../test-support/trpc-failure.ts';

let t: TestApp;
let flowId: string;
let runId: string;

/** trigger → shape → total; `total` is the node whose fields are previewed. */
function ordersFlow(): FlowDocument {
  return chainFlow('Preview orders', [
    transformNode('shape', '{ "orderId": $.order, "items": $.items }'),
    transformNode('total', '$sum($.items.price)'),
  ]);
}

beforeAll(async () => {
  t = await startTestApp();
  const flow = await t.client.flows.create.mutate({ name: 'Preview', document: ordersFlow() });
  flowId = flow.id;
  const started = await t.client.flows.run.mutate({
    id: flowId,
    input: {
      order: 7,
      items: [
        { id: 'a1', price: 5 },
        { id: 'b2', price: 3 },
      ],
    },
  });
  runId = started.runId;
  expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
});

afterAll(async () => {
  await t?.close();
});

const preview = (input: {
  expression: string;
  kind?: 'jsonata' | 'template';
  nodeId?: string;
  document?: FlowDocument;
  runId?: string;
}) =>
  t.client.flows.previewExpression.mutate({
    flowId,
    nodeId: input.nodeId ?? 'total',
    kind: input.kind ?? 'jsonata',
    expression: input.expression,
    runId: input.runId ?? runId,
    ...(input.document ? { document: input.document } : {}),
  });

describe('flows.previewExpression', () => {
  it('evaluates JSONata with the node’s input as $, $nodes and $trigger from the run', async () => {
    expect(await preview({ expression: '$.items[0].price' })).toEqual({
      status: 'value',
      value: 5,
    });
    expect(await preview({ expression: '$nodes.shape.orderId * 2' })).toEqual({
      status: 'value',
      value: 14,
    });
    expect(await preview({ expression: '$trigger.items.id' })).toEqual({
      status: 'value',
      value: ['a1', 'b2'],
    });
    expect(await preview({ expression: '$.missing' })).toEqual({ status: 'undefined' });
  });

  it('renders a template to text, and gives the value itself for a lone {{ }}', async () => {
    expect(
      await preview({
        kind: 'template',
        expression: '/orders/{{ $.orderId }}?n={{ $count($.items) }}',
      }),
    ).toEqual({ status: 'value', value: '/orders/7?n=2' });
    expect(await preview({ kind: 'template', expression: ' {{ $.items[1] }} ' })).toEqual({
      status: 'value',
      value: { id: 'b2', price: 3 },
    });
  });

  it('previews the editor’s unsaved document, whatever the node’s other fields hold', async () => {
    const edited = ordersFlow();
    edited.nodes[2]!.config = { expression: '' };
    expect(await preview({ expression: '$count($.items)', document: edited })).toEqual({
      status: 'value',
      value: 2,
    });
  });

  it('reports failures as the run would: syntax, errors and the sandbox’s limits', async () => {
    expect(await preview({ expression: '$.items[' })).toMatchObject({
      status: 'error',
      code: 'EXPRESSION_FAILED',
      message: expect.stringContaining('does not compile'),
    });
    expect(await preview({ kind: 'template', expression: '{{ $.orderId' })).toMatchObject({
      status: 'error',
      message: expect.stringContaining('never closed'),
    });
    expect(
      await preview({ expression: '($f := function($n) { $f($n + 1) + 1 }; $f(0))' }),
    ).toMatchObject({ status: 'error', code: 'EXPRESSION_MEMORY_LIMIT' });
  });

  it('without a run, sees pinned outputs only', async () => {
    const pinned = ordersFlow();
    pinned.nodes[1] = { ...pinned.nodes[1]!, pinnedOutput: { orderId: 99, items: [] } };
    expect(
      await t.client.flows.previewExpression.mutate({
        flowId,
        nodeId: 'total',
        kind: 'jsonata',
        expression: '$.orderId',
        document: pinned,
      }),
    ).toEqual({ status: 'value', value: 99 });
  });

  it('rejects an unknown node, an unknown run and a bad kind with clear messages', async () => {
    const unknownNode = await trpcFailure(preview({ expression: '1', nodeId: 'nope' }));
    expect(unknownNode.code).toBe('BAD_REQUEST');
    expect(unknownNode.message).toContain('has no node "nope"');
    const unknownRun = await trpcFailure(
      preview({ expression: '1', runId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknownRun.code).toBe('NOT_FOUND');
    const badKind = await trpcFailure(
      t.client.flows.previewExpression.mutate({
        flowId,
        nodeId: 'total',
        expression: '1',
        kind: 'sql' as 'jsonata',
      }),
    );
    expect(badKind.code).toBe('BAD_REQUEST');
  });
});
