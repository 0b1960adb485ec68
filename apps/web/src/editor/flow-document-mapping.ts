/** Pure conversions between the public flow document and React Flow's nodes and edges. */
import type { FlowDocument, FlowDocumentEdge, FlowDocumentNode } from '../api/types.ts';
import type { JsonObject } from '../forms/override-value.ts';
import { CANVAS_NODE_KIND, type FlowCanvasEdge, type FlowCanvasNode } from './flow-types.ts';

export const FLOW_DOCUMENT_VERSION = 1 as const;

/**
 * The document as the editor holds it: policies and settings may be mid-edit (a rate limit
 * without its limit yet), so they are plain objects that the server's validation checks.
 */
export type DraftFlowNode = Omit<FlowDocumentNode, 'policy'> & { policy?: JsonObject };
export type DraftFlowDocument = Omit<FlowDocument, 'nodes' | 'settings'> & {
  nodes: DraftFlowNode[];
  settings?: JsonObject;
};

export type FlowMeta = {
  name: string;
  description?: string | undefined;
  settings?: JsonObject | undefined;
};

export function documentNodeToCanvas(node: DraftFlowNode): FlowCanvasNode {
  return {
    id: node.id,
    type: CANVAS_NODE_KIND,
    position: { x: node.position.x, y: node.position.y },
    data: {
      nodeType: node.type,
      config: { ...node.config },
      ...(node.label === undefined ? {} : { label: node.label }),
      ...(node.pinnedOutput === undefined
        ? {}
        : { pinnedOutput: structuredClone(node.pinnedOutput) }),
      ...(node.policy === undefined ? {} : { policy: structuredClone(node.policy) }),
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

export function documentToCanvas(document: DraftFlowDocument): {
  nodes: FlowCanvasNode[];
  edges: FlowCanvasEdge[];
} {
  return {
    nodes: document.nodes.map(documentNodeToCanvas),
    edges: document.edges.map(documentEdgeToCanvas),
  };
}

/** The flow's settings as the editor holds them: a private copy, or undefined when it has none. */
export function documentSettings(document: DraftFlowDocument): JsonObject | undefined {
  return document.settings === undefined ? undefined : structuredClone(document.settings);
}

export function canvasNodeToDocument(node: FlowCanvasNode): DraftFlowNode {
  const label = node.data.label?.trim();
  return {
    id: node.id,
    type: node.data.nodeType,
    ...(label ? { label } : {}),
    // Whole pixels keep exported documents readable and diffs small.
    position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    config: node.data.config,
    // Key order as the format declares it, so an untouched document saves byte for byte.
    ...(node.data.pinnedOutput === undefined ? {} : { pinnedOutput: node.data.pinnedOutput }),
    ...(node.data.policy === undefined ? {} : { policy: node.data.policy }),
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
): DraftFlowDocument {
  return {
    version: FLOW_DOCUMENT_VERSION,
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map(canvasNodeToDocument),
    edges: edges.map(canvasEdgeToDocument),
    ...(meta.settings === undefined ? {} : { settings: meta.settings }),
  };
}
