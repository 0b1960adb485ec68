import { describe, expect, it } from 'vitest';
import { deleteAndReconnect, reconnectableEdges } from './delete-and-reconnect.ts';
import { documentToCanvas } from './flow-document-mapping.ts';

const flow = documentToCanvas({
  version: 1,
  name: 'Chain',
  nodes: [
    { id: 'check', type: 'logic.if', position: { x: 0, y: 0 }, config: {} },
    { id: 'middle', type: 'log', position: { x: 200, y: 0 }, config: {} },
    { id: 'end', type: 'log', position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'a', source: 'check', target: 'middle', sourceHandle: 'true' },
    { id: 'b', source: 'middle', target: 'end' },
  ],
});

describe('delete and reconnect', () => {
  it('joins the upstream port to the downstream node', () => {
    const result = deleteAndReconnect(flow.nodes, flow.edges, 'middle');
    expect(result.nodes.map((n) => n.id)).toEqual(['check', 'end']);
    expect(result.edges).toEqual([
      {
        id: 'check-true-end',
        source: 'check',
        target: 'end',
        sourceHandle: 'true',
        targetHandle: null,
      },
    ]);
  });

  it('only deletes when the node has no single input and output', () => {
    expect(reconnectableEdges(flow.edges, 'check')).toBeNull();
    const result = deleteAndReconnect(flow.nodes, flow.edges, 'check');
    expect(result.edges.map((e) => e.id)).toEqual(['b']);
  });
});
