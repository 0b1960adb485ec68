import { describe, expect, it } from 'vitest';
import { findCycles, indexEdges, reachableFrom, topologicalOrder } from './graph.ts';
import { edge } from './test-support/flow-fixtures.ts';

const graph = (ids: string[], edges: [string, string][]) =>
  indexEdges({ nodes: ids.map((id) => ({ id })), edges: edges.map(([s, t]) => edge(s, t)) });

describe('graph helpers', () => {
  it('indexes incoming and outgoing edges and ignores edges to missing nodes', () => {
    const index = graph(
      ['a', 'b'],
      [
        ['a', 'b'],
        ['a', 'ghost'],
      ],
    );
    expect(index.outgoing.get('a')?.map((e) => e.target)).toEqual(['b']);
    expect(index.incoming.get('b')?.map((e) => e.source)).toEqual(['a']);
  });

  it('orders nodes topologically, breadth-first from the roots', () => {
    const index = graph(
      ['d', 'c', 'b', 'a'],
      [
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'd'],
        ['c', 'd'],
      ],
    );
    expect(topologicalOrder(index)).toEqual({ order: ['a', 'b', 'c', 'd'], blocked: [] });
  });

  it('finds one cycle per tangle, not the nodes downstream of it', () => {
    const index = graph(
      ['start', 'a', 'b', 'c', 'after', 'x', 'y'],
      [
        ['start', 'a'],
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'after'],
        ['x', 'y'],
        ['y', 'x'],
      ],
    );
    expect(topologicalOrder(index).blocked).toEqual(['a', 'b', 'c', 'after', 'x', 'y']);
    expect(findCycles(index)).toEqual([
      ['a', 'b', 'c'],
      ['x', 'y'],
    ]);
  });

  it('finds a self loop', () => {
    expect(findCycles(graph(['a'], [['a', 'a']]))).toEqual([['a']]);
    expect(findCycles(graph(['a', 'b'], [['a', 'b']]))).toEqual([]);
  });

  it('computes what is reachable from a node', () => {
    const index = graph(
      ['t', 'a', 'b', 'island'],
      [
        ['t', 'a'],
        ['a', 'b'],
        ['island', 'b'],
      ],
    );
    expect([...reachableFrom(['t'], index)].sort()).toEqual(['a', 'b', 't']);
  });
});
