/** Removing a node in the middle of a chain and joining its neighbours, as n8n does. */
import { nextEdgeId } from './element-ids.ts';
import type { FlowCanvasEdge, FlowCanvasNode } from './flow-types.ts';

/** The node's one incoming and one outgoing edge, or null when it has more or fewer. */
export function reconnectableEdges(
  edges: readonly FlowCanvasEdge[],
  nodeId: string,
): { incoming: FlowCanvasEdge; outgoing: FlowCanvasEdge } | null {
  const incoming = edges.filter((e) => e.target === nodeId);
  const outgoing = edges.filter((e) => e.source === nodeId);
  const [into] = incoming;
  const out = outgoing[0];
  if (incoming.length !== 1 || outgoing.length !== 1 || !into || !out) return null;
  return { incoming: into, outgoing: out };
}

/**
 * Deletes the node and its edges; when it had one input and one output edge, the upstream
 * node is connected to the downstream one (keeping the upstream's output port).
 */
export function deleteAndReconnect(
  nodes: readonly FlowCanvasNode[],
  edges: readonly FlowCanvasEdge[],
  nodeId: string,
): { nodes: FlowCanvasNode[]; edges: FlowCanvasEdge[] } {
  const pair = reconnectableEdges(edges, nodeId);
  const remainingNodes = nodes.filter((n) => n.id !== nodeId);
  const remainingEdges = edges.filter((e) => e.source !== nodeId && e.target !== nodeId);
  if (!pair) return { nodes: remainingNodes, edges: remainingEdges };
  const { incoming, outgoing } = pair;
  const bridge = {
    source: incoming.source,
    target: outgoing.target,
    sourceHandle: incoming.sourceHandle ?? null,
    targetHandle: outgoing.targetHandle ?? null,
  };
  const exists = remainingEdges.some(
    (e) =>
      e.source === bridge.source &&
      e.target === bridge.target &&
      (e.sourceHandle ?? null) === bridge.sourceHandle &&
      (e.targetHandle ?? null) === bridge.targetHandle,
  );
  if (exists || bridge.source === bridge.target) {
    return { nodes: remainingNodes, edges: remainingEdges };
  }
  const id = nextEdgeId(bridge, new Set(remainingEdges.map((e) => e.id)));
  return { nodes: remainingNodes, edges: [...remainingEdges, { id, ...bridge }] };
}
