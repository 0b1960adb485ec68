/**
 * The data an expression of one node can read, as the editor knows it: `$` (the node's input),
 * `$trigger`, and `$nodes.<id>` for each node upstream of it. Each value comes from, in order, the
 * node's pinned output, the run shown in the editor, or the node type's declared output example.
 * Pure: the editor hands in the graph, the run scope and the node types.
 */

/** Where a sample value comes from, shown beside completions. */
export type SampleSource = 'pinned' | 'run' | 'declared';

export type DataSample = { value: unknown; source: SampleSource };

/** A node type's declared output example (NodeTypeDescriptor.outputExample). */
export type DeclaredOutput = { value?: unknown } | { configField: string } | { input: true };

export type GraphNode = {
  id: string;
  nodeType: string;
  label?: string | undefined;
  config: Readonly<Record<string, unknown>>;
  /** Set when the node's output is pinned in the document. */
  pinnedOutput?: unknown;
};

export type GraphEdge = { source: string; target: string };

export type NodeTypeFacts = {
  category: string;
  outputExample?: DeclaredOutput | undefined;
};

export type ExpressionDataInput = {
  nodeId: string;
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  /** The shown run's `$trigger` and node outputs (expressionScopeOf), or null without a run. */
  run: { trigger: unknown; nodes: Readonly<Record<string, unknown>> } | null;
  nodeTypes: ReadonlyMap<string, NodeTypeFacts>;
};

export type UpstreamNode = {
  id: string;
  label: string | undefined;
  sample: DataSample | undefined;
};

export type ExpressionData = {
  input: DataSample | undefined;
  trigger: DataSample | undefined;
  /** The nodes upstream of the node (ancestors), nearest first. */
  nodes: readonly UpstreamNode[];
};

function incomingOf(edges: readonly GraphEdge[]): Map<string, string[]> {
  const incoming = new Map<string, string[]>();
  for (const edge of edges) {
    const sources = incoming.get(edge.target) ?? [];
    if (!sources.includes(edge.source)) sources.push(edge.source);
    incoming.set(edge.target, sources);
  }
  return incoming;
}

/** Ids of the nodes with a path to `nodeId`, nearest first (breadth-first). */
export function ancestorIds(nodeId: string, edges: readonly GraphEdge[]): string[] {
  const incoming = incomingOf(edges);
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  const queue = [...(incoming.get(nodeId) ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    queue.push(...(incoming.get(id) ?? []));
  }
  return order;
}

/** A run's step value that was too large to send whole: a preview, not the value. */
function isTruncated(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { truncated?: unknown }).truncated === true &&
    typeof (value as { preview?: unknown }).preview === 'string'
  );
}

export function expressionDataOf(input: ExpressionDataInput): ExpressionData {
  const { nodeId, edges, run, nodeTypes } = input;
  const byId = new Map(input.nodes.map((node) => [node.id, node]));
  const incoming = incomingOf(edges);
  const outputs = new Map<string, DataSample | undefined>();

  // The executor's input: the one upstream's output, or an object of them keyed by node id.
  const inputOf = (id: string, visiting: Set<string>): DataSample | undefined => {
    const sources = incoming.get(id) ?? [];
    if (sources.length === 1) return outputOf(sources[0] as string, visiting);
    const known = sources
      .map((source) => [source, outputOf(source, visiting)] as const)
      .filter((entry): entry is readonly [string, DataSample] => entry[1] !== undefined);
    if (known.length === 0) return undefined;
    const [, first] = known[0] as readonly [string, DataSample];
    if (known.length === 1) return first;
    return {
      value: Object.fromEntries(known.map(([source, sample]) => [source, sample.value])),
      source: first.source,
    };
  };

  const outputOf = (id: string, visiting: Set<string>): DataSample | undefined => {
    if (outputs.has(id)) return outputs.get(id);
    if (visiting.has(id)) return undefined;
    visiting.add(id);
    const node = byId.get(id);
    let sample: DataSample | undefined;
    if (node && node.pinnedOutput !== undefined) {
      sample = { value: node.pinnedOutput, source: 'pinned' };
    } else if (run && Object.hasOwn(run.nodes, id) && !isTruncated(run.nodes[id])) {
      sample = { value: run.nodes[id], source: 'run' };
    } else if (node) {
      const declared = nodeTypes.get(node.nodeType)?.outputExample;
      if (declared && 'value' in declared) sample = { value: declared.value, source: 'declared' };
      else if (declared && 'configField' in declared) {
        const value = node.config[declared.configField];
        if (value !== undefined) sample = { value, source: 'declared' };
      } else if (declared && 'input' in declared) sample = inputOf(id, visiting);
    }
    visiting.delete(id);
    outputs.set(id, sample);
    return sample;
  };

  const ancestors = ancestorIds(nodeId, edges);
  const triggerId = ancestors.find(
    (id) => nodeTypes.get(byId.get(id)?.nodeType ?? '')?.category === 'trigger',
  );
  // A trigger's output is the run's input: `$trigger`.
  const trigger =
    (triggerId === undefined ? undefined : outputOf(triggerId, new Set())) ??
    (run && run.trigger !== undefined && !isTruncated(run.trigger)
      ? { value: run.trigger, source: 'run' as const }
      : undefined);
  return {
    input: inputOf(nodeId, new Set([nodeId])),
    trigger,
    nodes: ancestors.map((id) => ({
      id,
      label: byId.get(id)?.label,
      sample: outputOf(id, new Set()),
    })),
  };
}

/** Whether any value is known: without one, the preview has nothing to evaluate against. */
export function hasAnyData(data: ExpressionData): boolean {
  return (
    data.input !== undefined ||
    data.trigger !== undefined ||
    data.nodes.some((node) => node.sample !== undefined)
  );
}
