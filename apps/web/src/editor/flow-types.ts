/** React Flow node/edge types used by the editor and the read-only run canvas. */
import type { Edge, Node } from '@xyflow/react';
import type { JsonObject } from '../forms/override-value.ts';

export type FlowNodeData = {
  /** The Patchbay node type, e.g. `http.request` (React Flow's own `type` is the renderer). */
  nodeType: string;
  label?: string;
  config: Record<string, unknown>;
  /** Only what the user set; checked by the server's validation, so it may be incomplete. */
  policy?: JsonObject;
  /**
   * Sample output pinned by the user: step tests of the nodes after this one use it as this
   * node's output (runs never read it). Undefined when nothing is pinned; `null` is a value.
   */
  pinnedOutput?: unknown;
};

export type FlowCanvasNode = Node<FlowNodeData, 'patchbay'>;
export type FlowCanvasEdge = Edge;

/** The React Flow renderer key every Patchbay node uses. */
export const CANVAS_NODE_KIND = 'patchbay' as const;
