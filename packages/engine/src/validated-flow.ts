/** A flow that passed validation, indexed for the executor. Built once, frozen, reused per run. */
import { deepFreeze } from './deep-freeze.ts';
import type { FlowDocument, FlowEdge, FlowNode } from './flow-document.ts';
import { type EdgeIndex, reachableFrom, topologicalOrder } from './graph.ts';
import type { NodeTypeDefinition } from './node-type.ts';

export type ValidatedEdge = {
  readonly edge: FlowEdge;
  /** Index of the source node in `ValidatedFlow.order`. */
  readonly source: number;
  /** Index of the target node in `ValidatedFlow.order`. */
  readonly target: number;
  /** The output port the edge leaves from; null when the source has a single output. */
  readonly sourcePort: string | null;
};

export type ValidatedNode = {
  /** Position in `ValidatedFlow.order`. */
  readonly index: number;
  readonly node: FlowNode;
  readonly definition: NodeTypeDefinition;
  /** Config parsed by the type's schema (defaults applied); passed to execute as is. */
  readonly config: unknown;
  readonly incoming: readonly ValidatedEdge[];
  readonly outgoing: readonly ValidatedEdge[];
  /** False when no path leads from the trigger here; the executor skips such nodes. */
  readonly reachable: boolean;
};

export type ValidatedFlow = {
  readonly document: FlowDocument;
  /** Every node, in topological order (roots in document order, then breadth-first). */
  readonly order: readonly ValidatedNode[];
  readonly nodes: ReadonlyMap<string, ValidatedNode>;
  readonly trigger: ValidatedNode;
};

type CheckedNode = { node: FlowNode; definition: NodeTypeDefinition; config: unknown };

/**
 * Assembles the executor's view of a document whose every check passed: unique ids, known
 * types, valid configs, edges between existing nodes, one trigger, no cycle.
 */
export function buildValidatedFlow(
  document: FlowDocument,
  checked: ReadonlyMap<string, CheckedNode>,
  index: EdgeIndex,
  triggerId: string,
): ValidatedFlow {
  const ids = topologicalOrder(index).order;
  const position = new Map(ids.map((id, i) => [id, i]));
  const reachable = reachableFrom([triggerId], index);
  const edgeOf = (edge: FlowEdge): ValidatedEdge => {
    const source = checked.get(edge.source)!;
    return {
      edge,
      source: position.get(edge.source)!,
      target: position.get(edge.target)!,
      sourcePort: source.definition.outputs.length > 1 ? (edge.sourceHandle ?? null) : null,
    };
  };
  const order: ValidatedNode[] = ids.map((id, i) => {
    const { node, definition, config } = checked.get(id)!;
    return {
      index: i,
      node,
      definition,
      config,
      incoming: (index.incoming.get(id) ?? []).map(edgeOf),
      outgoing: (index.outgoing.get(id) ?? []).map(edgeOf),
      reachable: reachable.has(id),
    };
  });
  const nodes = new Map(order.map((entry) => [entry.node.id, entry]));
  const flow: ValidatedFlow = { document, order, nodes, trigger: nodes.get(triggerId)! };
  // Definitions are shared across flows and hold schemas; freeze only this flow's data.
  deepFreeze(document);
  for (const entry of order) {
    deepFreeze(entry.config);
    Object.freeze(entry.incoming);
    Object.freeze(entry.outgoing);
    for (const edge of entry.incoming) Object.freeze(edge);
    for (const edge of entry.outgoing) Object.freeze(edge);
    Object.freeze(entry);
  }
  Object.freeze(order);
  return Object.freeze(flow);
}
