/** Pure conversions between the public flow document and React Flow's nodes and edges. */
import type { FlowDocument, FlowDocumentEdge, FlowDocumentNode } from '../api/types.ts';
import { CANVAS_NODE_KIND, type FlowCanvasEdge, type FlowCanvasNode } from './flow-types.ts';

export const FLOW_DOCUMENT_VERSION = 1 as const;

export type FlowMeta = { name: string; description?: string | undefined };

export function documentNodeToCanvas(node: FlowDocumentNode): FlowCanvasNode {
  return {
    id: node.id,
    type: CANVAS_NODE_KIND,
    position: { x: node.position.x, y: node.position.y },
    data: {
      nodeType: node.type,
      config: { ...node.config },
      ...(node.label === undefined ? {} : { label: node.label }),
    },
  };
}

export function documentEdgeToCanvas(edge: FlowDocumentEdge): FlowCanvasEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle ?? null,
    targetHandle: edge.targetHandle ?? null,
  };
}

export function documentToCanvas(document: FlowDocument): {
  nodes: FlowCanvasNode[];
  edges: FlowCanvasEdge[];
} {
  return {
    nodes: document.nodes.map(documentNodeToCanvas),
    edges: document.edges.map(documentEdgeToCanvas),
  };
}

export function canvasNodeToDocument(node: FlowCanvasNode): FlowDocumentNode {
  const label = node.data.label?.trim();
  return {
    id: node.id,
    type: node.data.nodeType,
    ...(label ? { label } : {}),
    // Whole pixels keep exported documents readable and diffs small.
    position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    config: node.data.config,
  };
}

export function canvasEdgeToDocument(edge: FlowCanvasEdge): FlowDocumentEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    ...(edge.sourceHandle ? { sourceHandle: edge.sourceHandle } : {}),
    ...(edge.targetHandle ? { targetHandle: edge.targetHandle } : {}),
  };
}

export function canvasToDocument(
  meta: FlowMeta,
  nodes: readonly FlowCanvasNode[],
  edges: readonly FlowCanvasEdge[],
): FlowDocument {
  return {
    version: FLOW_DOCUMENT_VERSION,
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map(canvasNodeToDocument),
    edges: edges.map(canvasEdgeToDocument),
  };
}
