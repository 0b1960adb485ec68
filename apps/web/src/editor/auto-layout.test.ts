import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  type LayoutEdge,
  type LayoutNode,
  layoutScope,
  type NodePorts,
  toElkGraph,
} from './auto-layout.ts';
import { DEFAULT_NODE_SIZE } from './node-placement.ts';

const elk = new ELK();
const SINGLE: NodePorts = { inputs: ['in'], outputs: ['out'] };
const BRANCH: NodePorts = { inputs: ['in'], outputs: ['true', 'false'] };
const TRIGGER: NodePorts = { inputs: [], outputs: ['out'] };

const at = (id: string, x = 0, y = 0, extra: Partial<LayoutNode> = {}): LayoutNode => ({
  id,
  position: { x, y },
  ...extra,
});
const edge = (source: string, target: string, sourceHandle: string | null = null): LayoutEdge => ({
  id: `${source}-${sourceHandle ?? 'out'}-${target}`,
  source,
  target,
  sourceHandle,
  targetHandle: null,
});

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return (
    a.x < b.x + DEFAULT_NODE_SIZE.width &&
    b.x < a.x + DEFAULT_NODE_SIZE.width &&
    a.y < b.y + DEFAULT_NODE_SIZE.height &&
    b.y < a.y + DEFAULT_NODE_SIZE.height
  );
}

describe('layoutScope', () => {
  it('lays out the selection only when two or more nodes are selected', () => {
    expect(layoutScope([{ selected: true }, { selected: false }])).toBe('flow');
    expect(layoutScope([{ selected: true }, { selected: true }, {}])).toBe('selection');
    expect(layoutScope([])).toBe('flow');
  });
});

describe('toElkGraph', () => {
  it('uses measured sizes when known and the default card size otherwise', () => {
    const graph = toElkGraph(
      [at('a', 0, 0, { measured: { width: 300, height: 120 } }), at('b')],
      [],
      () => SINGLE,
    );
    expect(graph.children?.map((c) => [c.width, c.height])).toEqual([
      [300, 120],
      [DEFAULT_NODE_SIZE.width, DEFAULT_NODE_SIZE.height],
    ]);
  });

  it('joins edges to ports, leaves out edges to nodes outside the graph', () => {
    const graph = toElkGraph(
      [at('if'), at('yes')],
      [edge('if', 'yes', 'true'), edge('if', 'elsewhere', 'false')],
      (id) => (id === 'if' ? BRANCH : SINGLE),
    );
    expect(graph.edges).toHaveLength(1);
    expect(graph.edges?.[0]?.sources[0]).toContain('true');
    expect(graph.edges?.[0]?.targets[0]).toContain('in');
  });
});

describe('computeLayout', () => {
  it('lays a chain out left to right, nothing overlapping', async () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => at(id, 100, 100));
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'd')];
    const positions = await computeLayout(elk, { nodes, edges }, 'flow', (id) =>
      id === 'a' ? TRIGGER : SINGLE,
    );
    const xs = ['a', 'b', 'c', 'd'].map((id) => positions.get(id)?.x ?? Number.NaN);
    expect(xs).toEqual([...xs].sort((p, q) => p - q));
    expect(new Set(xs).size).toBe(4);
    const all = [...positions.values()];
    for (const [i, p] of all.entries()) {
      for (const q of all.slice(i + 1)) expect(overlaps(p, q)).toBe(false);
    }
    // The group keeps its top-left corner.
    expect(Math.min(...all.map((p) => p.x))).toBe(100);
    expect(Math.min(...all.map((p) => p.y))).toBe(100);
  });

  it("gives a diamond's branches distinct rows, the true branch above the false one", async () => {
    // Declared false-first, so only the ports can put `true` on top.
    const nodes = [at('start'), at('check'), at('no'), at('yes'), at('join')];
    const edges = [
      edge('start', 'check'),
      edge('check', 'no', 'false'),
      edge('check', 'yes', 'true'),
      edge('yes', 'join'),
      edge('no', 'join'),
    ];
    const positions = await computeLayout(elk, { nodes, edges }, 'flow', (id) =>
      id === 'check' ? BRANCH : id === 'start' ? TRIGGER : SINGLE,
    );
    const get = (id: string) => positions.get(id) ?? { x: Number.NaN, y: Number.NaN };
    expect(get('yes').y).toBeLessThan(get('no').y);
    expect(get('yes').x).toBe(get('no').x);
    expect(get('check').x).toBeLessThan(get('yes').x);
    expect(get('join').x).toBeGreaterThan(get('yes').x);
  });

  it('moves only the selected nodes, keeping their top-left corner', async () => {
    const nodes = [
      at('a', 500, 400, { selected: true }),
      at('b', 520, 410, { selected: true }),
      at('c', 510, 420, { selected: true }),
      at('other', 0, 0),
    ];
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('other', 'a')];
    const positions = await computeLayout(elk, { nodes, edges }, 'selection', () => SINGLE);
    expect([...positions.keys()].sort()).toEqual(['a', 'b', 'c']);
    const moved = [...positions.values()];
    expect(Math.min(...moved.map((p) => p.x))).toBe(500);
    expect(Math.min(...moved.map((p) => p.y))).toBe(400);
    expect(positions.get('a')?.x).toBeLessThan(positions.get('b')?.x ?? 0);
  });

  it('returns nothing for an empty flow', async () => {
    expect((await computeLayout(elk, { nodes: [], edges: [] }, 'flow', () => SINGLE)).size).toBe(0);
  });
});
