/** Pure graph helpers over a flow's nodes and edges: adjacency, topological order, cycles, reach. */
import type { FlowEdge, FlowNode } from './flow-document.ts';

export type GraphInput = {
  readonly nodes: readonly Pick<FlowNode, 'id'>[];
  readonly edges: readonly FlowEdge[];
};

/** Every node id maps to its edges; edges naming a missing node are left out (validation reports them). */
export type EdgeIndex = {
  readonly incoming: ReadonlyMap<string, readonly FlowEdge[]>;
  readonly outgoing: ReadonlyMap<string, readonly FlowEdge[]>;
};

export function indexEdges(graph: GraphInput): EdgeIndex {
  const incoming = new Map<string, FlowEdge[]>();
  const outgoing = new Map<string, FlowEdge[]>();
  for (const node of graph.nodes) {
    if (incoming.has(node.id)) continue;
    incoming.set(node.id, []);
    outgoing.set(node.id, []);
  }
  for (const edge of graph.edges) {
    const into = incoming.get(edge.target);
    const from = outgoing.get(edge.source);
    if (!into || !from) continue;
    into.push(edge);
    from.push(edge);
  }
  return { incoming, outgoing };
}

/**
 * Kahn's algorithm, deterministic: roots in document order, then breadth-first. `blocked` holds the nodes that never became ready:
 * the nodes on a cycle and those downstream of one. Both are empty only for an acyclic graph.
 */
export function topologicalOrder(index: EdgeIndex): { order: string[]; blocked: string[] } {
  const remaining = new Map<string, number>();
  const queue: string[] = [];
  for (const [id, edges] of index.incoming) {
    remaining.set(id, edges.length);
    if (edges.length === 0) queue.push(id);
  }
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    order.push(id);
    for (const edge of index.outgoing.get(id) ?? []) {
      const left = (remaining.get(edge.target) ?? 0) - 1;
      remaining.set(edge.target, left);
      if (left === 0) queue.push(edge.target);
    }
  }
  const blocked = [...remaining].filter(([, left]) => left > 0).map(([id]) => id);
  return { order, blocked };
}

/**
 * One cycle per independent tangle, each as node ids in edge direction, starting from the node
 * that appears first in the document.
 */
export function findCycles(index: EdgeIndex): string[][] {
  const { blocked } = topologicalOrder(index);
  // Every blocked node has an incoming edge from another blocked node, so walking edges backwards
  // from one must revisit a node: the revisited stretch is a cycle.
  const open = new Set(blocked);
  const cycles: string[][] = [];
  for (const start of blocked) {
    if (!open.has(start)) continue;
    const seenAt = new Map<string, number>();
    const walk: string[] = [];
    let current = start;
    while (!seenAt.has(current)) {
      seenAt.set(current, walk.length);
      walk.push(current);
      const back = (index.incoming.get(current) ?? []).find((edge) => open.has(edge.source));
      if (!back) break;
      current = back.source;
    }
    const cycle = walk.slice(seenAt.get(current) ?? 0).reverse();
    cycles.push(rotateToFirst(cycle, blocked));
    // Nodes downstream of this cycle are blocked only because of it.
    for (const id of reachableFrom(cycle, index)) open.delete(id);
  }
  return cycles;
}

/** Ids reachable from `starts` along edges, including the starts themselves. */
export function reachableFrom(starts: Iterable<string>, index: EdgeIndex): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of index.outgoing.get(id) ?? []) stack.push(edge.target);
  }
  return seen;
}

function rotateToFirst(cycle: string[], documentOrder: readonly string[]): string[] {
  let best = 0;
  for (let i = 1; i < cycle.length; i++) {
    if (documentOrder.indexOf(cycle[i]!) < documentOrder.indexOf(cycle[best]!)) best = i;
  }
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}
