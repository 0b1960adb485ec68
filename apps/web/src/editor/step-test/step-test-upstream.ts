/**
 * The upstream data of a step test (flows.testStep): which nodes feed the tested one, which of
 * them carry a pinned output, and what the request names as their data: the shown run (whose
 * outputs the server reads; pinned outputs win over them), or, with no run, the pinned outputs
 * and the trigger's sample input. Pure: the editor's document and the shown run come in.
 */
import type { EditorState } from '../editor-store.ts';
import type { DraftFlowDocument } from '../flow-document-mapping.ts';
import type { FlowCanvasEdge, FlowCanvasNode } from '../flow-types.ts';

/** One node upstream of the tested one, as the inspector lists it. */
export type UpstreamNode = {
  nodeId: string;
  nodeType: string;
  label: string | undefined;
  pinned: boolean;
  /** The node's config has a `sampleInput` (a manual trigger's sample input). */
  hasSampleInput: boolean;
};

/** Upstream data as flows.testStep takes it: a run of the flow, or the data itself. */
export type StepTestUpstream =
  | { runId: string }
  | { input: { trigger: unknown; nodes: Record<string, unknown> } };

type Edge = Pick<FlowCanvasEdge, 'source' | 'target'>;

/** Ids of the nodes with a path to `nodeId` (not `nodeId` itself, even in a cycle). */
export function ancestorIds(edges: readonly Edge[], nodeId: string): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const edge of edges) {
    const sources = incoming.get(edge.target);
    if (sources) sources.push(edge.source);
    else incoming.set(edge.target, [edge.source]);
  }
  const seen = new Set<string>();
  const stack = [...(incoming.get(nodeId) ?? [])];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  return seen;
}

/** The nodes upstream of `nodeId`, in the document's order. */
export function upstreamNodes(
  nodes: readonly FlowCanvasNode[],
  edges: readonly Edge[],
  nodeId: string,
): UpstreamNode[] {
  const ancestors = ancestorIds(edges, nodeId);
  return nodes
    .filter((node) => ancestors.has(node.id))
    .map((node) => ({
      nodeId: node.id,
      nodeType: node.data.nodeType,
      label: node.data.label,
      pinned: node.data.pinnedOutput !== undefined,
      hasSampleInput: node.data.config.sampleInput !== undefined,
    }));
}

function sameUpstream(a: readonly UpstreamNode[], b: readonly UpstreamNode[]): boolean {
  return (
    a.length === b.length &&
    a.every((node, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        node.nodeId === other.nodeId &&
        node.nodeType === other.nodeType &&
        node.label === other.label &&
        node.pinned === other.pinned &&
        node.hasSampleInput === other.hasSampleInput
      );
    })
  );
}

/**
 * Selector factory: the nodes upstream of `nodeId`, the same array until what it lists changes,
 * so dragging a node or typing in another one's config re-renders nothing.
 */
export function selectUpstream(nodeId: string) {
  let nodes: readonly FlowCanvasNode[] | undefined;
  let edges: readonly FlowCanvasEdge[] | undefined;
  let last: UpstreamNode[] = [];
  return (state: Pick<EditorState, 'nodes' | 'edges'>): UpstreamNode[] => {
    if (state.nodes === nodes && state.edges === edges) return last;
    nodes = state.nodes;
    edges = state.edges;
    const next = upstreamNodes(state.nodes, state.edges, nodeId);
    if (!sameUpstream(last, next)) last = next;
    return last;
  };
}

/**
 * What a test of `nodeId` sends as upstream data: the shown run when there is one, else every
 * upstream pinned output, and as the trigger's input its pinned output, or its sample input, or {}.
 */
export function stepTestUpstream(
  document: DraftFlowDocument,
  nodeId: string,
  options: { runId: string | null; isTrigger: (nodeType: string) => boolean },
): StepTestUpstream {
  if (options.runId !== null) return { runId: options.runId };
  const ancestors = ancestorIds(document.edges, nodeId);
  const nodes: Record<string, unknown> = {};
  let trigger: unknown = {};
  for (const node of document.nodes) {
    if (!ancestors.has(node.id)) continue;
    if (node.pinnedOutput !== undefined) nodes[node.id] = node.pinnedOutput;
    if (options.isTrigger(node.type)) {
      trigger =
        node.pinnedOutput !== undefined ? node.pinnedOutput : (node.config.sampleInput ?? {});
    }
  }
  return { input: { trigger, nodes } };
}
