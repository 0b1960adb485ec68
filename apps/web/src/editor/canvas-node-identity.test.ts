import { describe, expect, it } from 'vitest';
import {
  nodeById,
  onlyDataChanged,
  sameExceptData,
  selectNodeData,
} from './canvas-node-identity.ts';
import type { FlowCanvasNode } from './flow-types.ts';

function node(id: string, x = 0, label = id): FlowCanvasNode {
  return {
    id,
    type: 'patchbay',
    position: { x, y: 0 },
    data: { nodeType: 'transform.jsonata', label, config: {} },
  };
}

describe('onlyDataChanged', () => {
  const a = node('a');
  const b = node('b');

  it('holds when a node was replaced with new data only', () => {
    const relabelled = { ...b, data: { ...b.data, label: 'New' } };
    expect(sameExceptData(b, relabelled)).toBe(true);
    expect(onlyDataChanged([a, b], [a, relabelled])).toBe(true);
  });

  it('fails on a move, a selection, a measure, an added or removed node, or a new order', () => {
    expect(onlyDataChanged([a, b], [a, { ...b, position: { x: 5, y: 0 } }])).toBe(false);
    expect(onlyDataChanged([a, b], [a, { ...b, selected: true }])).toBe(false);
    expect(onlyDataChanged([a, b], [a, { ...b, measured: { width: 1, height: 1 } }])).toBe(false);
    expect(onlyDataChanged([a, b], [a])).toBe(false);
    expect(onlyDataChanged([a, b], [b, a])).toBe(false);
  });
});

describe('selectNodeData', () => {
  it('finds a node’s data by id and follows the store’s latest array', () => {
    const nodes = [node('a'), node('b', 0, 'Bee')];
    expect(selectNodeData('b')({ nodes })?.label).toBe('Bee');
    expect(nodeById(nodes, 'missing')).toBeUndefined();
    const next = [nodes[0] as FlowCanvasNode, node('b', 0, 'Bumble')];
    expect(selectNodeData('b')({ nodes: next })?.label).toBe('Bumble');
  });
});
