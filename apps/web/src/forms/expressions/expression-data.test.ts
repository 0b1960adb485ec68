import { describe, expect, it } from 'vitest';
import {
  ancestorIds,
  type ExpressionDataInput,
  expressionDataOf,
  hasAnyData,
} from './expression-data.ts';

const nodeTypes = new Map([
  ['trigger.manual', { category: 'trigger', outputExample: { configField: 'sampleInput' } }],
  [
    'http.request',
    { category: 'action', outputExample: { value: { status: 200, headers: {}, body: {} } } },
  ],
  ['logic.if', { category: 'logic', outputExample: { input: true as const } }],
  ['transform.jsonata', { category: 'transform' }],
]);

/** trigger → call → check (If) → shape; `other` is downstream of the trigger only. */
function graph(overrides: Partial<ExpressionDataInput> = {}): ExpressionDataInput {
  return {
    nodeId: 'shape',
    nodes: [
      { id: 'trigger', nodeType: 'trigger.manual', config: { sampleInput: { orderId: 1 } } },
      { id: 'call', nodeType: 'http.request', label: 'Call API', config: {} },
      { id: 'check', nodeType: 'logic.if', config: {} },
      { id: 'shape', nodeType: 'transform.jsonata', config: {} },
      { id: 'other', nodeType: 'transform.jsonata', config: {} },
    ],
    edges: [
      { source: 'trigger', target: 'call' },
      { source: 'call', target: 'check' },
      { source: 'check', target: 'shape' },
      { source: 'trigger', target: 'other' },
    ],
    run: null,
    nodeTypes,
    ...overrides,
  };
}

describe('expressionDataOf', () => {
  it('offers only the ancestors, nearest first', () => {
    expect(ancestorIds('shape', graph().edges)).toEqual(['check', 'call', 'trigger']);
    expect(expressionDataOf(graph()).nodes.map((node) => node.id)).toEqual([
      'check',
      'call',
      'trigger',
    ]);
  });

  it('uses the declared outputs before any run: examples, config fields, inputs passed on', () => {
    const data = expressionDataOf(graph());
    expect(data.trigger).toEqual({ value: { orderId: 1 }, source: 'declared' });
    const call = data.nodes.find((node) => node.id === 'call');
    expect(call).toMatchObject({ label: 'Call API', sample: { source: 'declared' } });
    // The If passes the HTTP response on, so it is the transform's input.
    expect(data.input).toEqual({
      value: { status: 200, headers: {}, body: {} },
      source: 'declared',
    });
  });

  it('prefers a pinned output, then the shown run, over the declaration', () => {
    const run = {
      trigger: { orderId: 7 },
      nodes: { trigger: { orderId: 7 }, call: { status: 201, body: { id: 'x' } } },
    };
    const pinned = graph({ run });
    pinned.nodes = pinned.nodes.map((node) =>
      node.id === 'check' ? { ...node, pinnedOutput: { pinned: true } } : node,
    );
    const data = expressionDataOf(pinned);
    expect(data.trigger).toEqual({ value: { orderId: 7 }, source: 'run' });
    expect(data.nodes.find((node) => node.id === 'call')?.sample).toEqual({
      value: { status: 201, body: { id: 'x' } },
      source: 'run',
    });
    expect(data.input).toEqual({ value: { pinned: true }, source: 'pinned' });
  });

  it('keys the input by upstream id when a node has several, as the executor does', () => {
    const data = expressionDataOf(
      graph({
        nodeId: 'merge',
        nodes: [...graph().nodes, { id: 'merge', nodeType: 'transform.jsonata', config: {} }],
        edges: [
          ...graph().edges,
          { source: 'call', target: 'merge' },
          { source: 'trigger', target: 'merge' },
        ],
      }),
    );
    expect(data.input?.value).toEqual({
      call: { status: 200, headers: {}, body: {} },
      trigger: { orderId: 1 },
    });
  });

  it('knows nothing of a node with no data anywhere, and says so', () => {
    const bare = graph({ nodeTypes: new Map([['trigger.manual', { category: 'trigger' }]]) });
    const data = expressionDataOf(bare);
    expect(data.input).toBeUndefined();
    expect(hasAnyData(data)).toBe(false);
  });

  it('never reads a truncated run value as data', () => {
    const run = {
      trigger: {},
      nodes: { call: { truncated: true, bytes: 9_000_000, preview: '{"a"' } },
    };
    const call = expressionDataOf(graph({ run })).nodes.find((node) => node.id === 'call');
    expect(call?.sample?.source).toBe('declared');
  });
});
