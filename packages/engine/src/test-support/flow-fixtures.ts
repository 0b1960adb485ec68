/** Builders for flow documents in tests, so each test shows only the nodes and edges it is about. */
import type { FlowDocument, FlowEdge, FlowNode } from '../flow-document.ts';

export function node(id: string, type: string, config: Record<string, unknown> = {}): FlowNode {
  return { id, type, position: { x: 0, y: 0 }, config };
}

export function edge(source: string, target: string, sourceHandle?: string): FlowEdge {
  return {
    id: sourceHandle ? `${source}-${sourceHandle}-${target}` : `${source}-${target}`,
    source,
    target,
    ...(sourceHandle ? { sourceHandle } : {}),
  };
}

export function flowDocument(
  nodes: FlowNode[],
  edges: FlowEdge[],
  name = 'Test flow',
): FlowDocument {
  return { version: 1, name, nodes, edges };
}
