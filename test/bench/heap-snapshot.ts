/**
 * Reads V8 .heapsnapshot files (the JSON that DevTools loads: flat `nodes` and `edges` arrays
 * described by `snapshot.meta`, names in `strings`) and compares two of the same process: what
 * each constructor holds, and which objects were allocated after the first snapshot and are still
 * alive in the second. Node ids are stable across snapshots of one process and new objects get
 * higher ids, so "id above the first snapshot's highest" means "allocated since".
 */
import { readFile } from 'node:fs/promises';

type SnapshotJson = {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
};

export type ConstructorTotals = { count: number; selfSize: number };

export type HeapSummary = {
  /** Sum of every node's self size: the live V8 heap as the snapshot saw it. */
  totalSize: number;
  nodeCount: number;
  maxNodeId: number;
  byConstructor: Map<string, ConstructorTotals>;
};

export type ConstructorGrowth = {
  name: string;
  countA: number;
  countB: number;
  sizeA: number;
  sizeB: number;
  /** Objects allocated after snapshot A and still alive in B. */
  newCount: number;
  newSize: number;
};

/** A parsed snapshot with what the summary and the retainer walk need. */
export class HeapSnapshot {
  private readonly nodeFieldCount: number;
  private readonly edgeFieldCount: number;
  private readonly offsets: {
    type: number;
    name: number;
    id: number;
    selfSize: number;
    edgeCount: number;
  };
  private readonly edgeOffsets: { type: number; name: number; toNode: number };
  private readonly nodeTypes: string[];
  private readonly edgeTypes: string[];
  /** Index in `nodes` (divided by the field count) of each node's first edge. */
  private readonly firstEdge: Uint32Array;
  private retainers: { first: Uint32Array; from: Uint32Array; edge: Uint32Array } | undefined;

  private constructor(private readonly json: SnapshotJson) {
    const { meta } = json.snapshot;
    this.nodeFieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    const field = (name: string) => meta.node_fields.indexOf(name);
    this.offsets = {
      type: field('type'),
      name: field('name'),
      id: field('id'),
      selfSize: field('self_size'),
      edgeCount: field('edge_count'),
    };
    const edgeField = (name: string) => meta.edge_fields.indexOf(name);
    this.edgeOffsets = {
      type: edgeField('type'),
      name: edgeField('name_or_index'),
      toNode: edgeField('to_node'),
    };
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    let edge = 0;
    for (let node = 0; node < this.nodeCount; node++) {
      this.firstEdge[node] = edge;
      edge += this.json.nodes[node * this.nodeFieldCount + this.offsets.edgeCount] ?? 0;
    }
    this.firstEdge[this.nodeCount] = edge;
  }

  static async read(file: string): Promise<HeapSnapshot> {
    return new HeapSnapshot(JSON.parse(await readFile(file, 'utf8')) as SnapshotJson);
  }

  get nodeCount(): number {
    return this.json.nodes.length / this.nodeFieldCount;
  }

  summary(): HeapSummary {
    const byConstructor = new Map<string, ConstructorTotals>();
    let totalSize = 0;
    let maxNodeId = 0;
    for (let node = 0; node < this.nodeCount; node++) {
      const size = this.selfSize(node);
      totalSize += size;
      maxNodeId = Math.max(maxNodeId, this.id(node));
      add(byConstructor, this.className(node), size);
    }
    return { totalSize, nodeCount: this.nodeCount, maxNodeId, byConstructor };
  }

  /** What each constructor holds, and of it what was allocated after `before`'s snapshot. */
  growthSince(before: HeapSummary): ConstructorGrowth[] {
    const after = this.summary();
    const allocated = new Map<string, ConstructorTotals>();
    for (let node = 0; node < this.nodeCount; node++) {
      if (this.id(node) > before.maxNodeId) {
        add(allocated, this.className(node), this.selfSize(node));
      }
    }
    const names = new Set([...before.byConstructor.keys(), ...after.byConstructor.keys()]);
    return [...names].map((name) => {
      const a = before.byConstructor.get(name);
      const b = after.byConstructor.get(name);
      const fresh = allocated.get(name);
      return {
        name,
        countA: a?.count ?? 0,
        countB: b?.count ?? 0,
        sizeA: a?.selfSize ?? 0,
        sizeB: b?.selfSize ?? 0,
        newCount: fresh?.count ?? 0,
        newSize: fresh?.selfSize ?? 0,
      };
    });
  }

  /**
   * Retainer chains of up to `samples` objects of `className` allocated after `sinceNodeId`:
   * from the object towards the roots, each step "Holder.edge", strong edges only.
   */
  retainerChains(
    className: string,
    sinceNodeId: number,
    options: { samples: number; depth: number },
  ): string[] {
    const chains: string[] = [];
    for (let node = 0; node < this.nodeCount && chains.length < options.samples; node++) {
      if (this.id(node) <= sinceNodeId || this.className(node) !== className) continue;
      const steps: string[] = [];
      const seen = new Set<number>([node]);
      let current = node;
      for (let depth = 0; depth < options.depth; depth++) {
        const holder = this.firstRetainer(current, seen);
        if (!holder) break;
        steps.push(`${this.className(holder.node)}.${holder.edgeName}`);
        seen.add(holder.node);
        current = holder.node;
      }
      chains.push(`${className} ← ${steps.join(' ← ')}`);
    }
    return chains;
  }

  private firstRetainer(
    node: number,
    seen: Set<number>,
  ): { node: number; edgeName: string } | undefined {
    const retainers = this.retainerIndex();
    for (let i = retainers.first[node] ?? 0; i < (retainers.first[node + 1] ?? 0); i++) {
      const from = retainers.from[i] ?? 0;
      const edge = retainers.edge[i] ?? 0;
      const type = this.edgeTypes[this.json.edges[edge + this.edgeOffsets.type] ?? 0];
      if (type === 'weak' || type === 'shortcut' || seen.has(from)) continue;
      const nameOrIndex = this.json.edges[edge + this.edgeOffsets.name] ?? 0;
      const edgeName =
        type === 'element' || type === 'hidden'
          ? `[${nameOrIndex}]`
          : (this.json.strings[nameOrIndex] ?? '?');
      return { node: from, edgeName };
    }
    return undefined;
  }

  /** For each node, the edges pointing at it (built on first use). */
  private retainerIndex(): { first: Uint32Array; from: Uint32Array; edge: Uint32Array } {
    if (this.retainers) return this.retainers;
    const edgeCount = this.json.edges.length / this.edgeFieldCount;
    const counts = new Uint32Array(this.nodeCount + 1);
    const target = (edge: number) =>
      (this.json.edges[edge * this.edgeFieldCount + this.edgeOffsets.toNode] ?? 0) /
      this.nodeFieldCount;
    for (let edge = 0; edge < edgeCount; edge++) {
      const to = target(edge);
      counts[to] = (counts[to] ?? 0) + 1;
    }
    const first = new Uint32Array(this.nodeCount + 1);
    for (let node = 0; node < this.nodeCount; node++) {
      first[node + 1] = (first[node] ?? 0) + (counts[node] ?? 0);
    }
    const fill = first.slice();
    const from = new Uint32Array(edgeCount);
    const edgeAt = new Uint32Array(edgeCount);
    for (let node = 0; node < this.nodeCount; node++) {
      for (let edge = this.firstEdge[node] ?? 0; edge < (this.firstEdge[node + 1] ?? 0); edge++) {
        const to = target(edge);
        const slot = fill[to] ?? 0;
        fill[to] = slot + 1;
        from[slot] = node;
        edgeAt[slot] = edge * this.edgeFieldCount;
      }
    }
    this.retainers = { first, from, edge: edgeAt };
    return this.retainers;
  }

  /**
   * As DevTools' summary groups them: objects by constructor, functions by name, everything else
   * (strings, arrays, code, hidden internals) by its type in parentheses.
   */
  private className(node: number): string {
    const type = this.nodeTypes[this.field(node, this.offsets.type)] ?? '?';
    const name = this.json.strings[this.field(node, this.offsets.name)] ?? '?';
    if (type === 'object' || type === 'native') return name;
    if (type === 'closure') return `${name || '(anonymous)'}()`;
    return `(${type})`;
  }

  private selfSize(node: number): number {
    return this.field(node, this.offsets.selfSize);
  }

  private id(node: number): number {
    return this.field(node, this.offsets.id);
  }

  private field(node: number, offset: number): number {
    return this.json.nodes[node * this.nodeFieldCount + offset] ?? 0;
  }
}

function add(totals: Map<string, ConstructorTotals>, name: string, size: number): void {
  const entry = totals.get(name);
  if (entry) {
    entry.count += 1;
    entry.selfSize += size;
  } else {
    totals.set(name, { count: 1, selfSize: size });
  }
}
