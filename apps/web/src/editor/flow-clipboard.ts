/**
 * Copy and paste of canvas selections as flow-document JSON, so what is copied can be pasted
 * into another flow, another tab, or taken from the docs. Pure: reading and writing the
 * clipboard itself lives in clipboard-access.ts.
 */
import type { XYPosition } from '@xyflow/react';
import { z } from 'zod';
import { nextEdgeId, nextNodeId } from './element-ids.ts';
import {
  canvasEdgeToDocument,
  canvasNodeToDocument,
  type DraftFlowDocument,
  documentNodeToCanvas,
  FLOW_DOCUMENT_VERSION,
} from './flow-document-mapping.ts';
import type { FlowCanvasEdge, FlowCanvasNode } from './flow-types.ts';

/** How far a paste lands from the copied nodes, so the copy never hides the original. */
export const PASTE_OFFSET = { x: 40, y: 40 };

const clipboardNode = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  label: z.string().optional(),
  position: z.object({ x: z.number(), y: z.number() }),
  config: z.record(z.string(), z.unknown()).default({}),
  pinnedOutput: z.unknown().optional(),
  policy: z.record(z.string(), z.unknown()).optional(),
});

const clipboardEdge = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().optional(),
  targetHandle: z.string().optional(),
});

/** A flow document, or any JSON with its `nodes` and `edges` (a docs snippet). */
const clipboardDocument = z.object({
  nodes: z.array(clipboardNode).min(1),
  edges: z.array(clipboardEdge).default([]),
});

export type ClipboardFragment = z.infer<typeof clipboardDocument>;

/** The selected nodes and the edges between them, as a flow document. */
export function copySelection(
  nodes: readonly FlowCanvasNode[],
  edges: readonly FlowCanvasEdge[],
  nodeIds: ReadonlySet<string>,
): DraftFlowDocument | null {
  const picked = nodes.filter((n) => nodeIds.has(n.id));
  if (picked.length === 0) return null;
  return {
    version: FLOW_DOCUMENT_VERSION,
    name: 'Copied nodes',
    nodes: picked.map(canvasNodeToDocument),
    edges: edges
      .filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target))
      .map(canvasEdgeToDocument),
  };
}

export function serializeClipboard(document: DraftFlowDocument): string {
  return JSON.stringify(document, null, 2);
}

/** Parses clipboard text; a clear message when it isn't a flow document with nodes. */
export function parseClipboard(
  text: string,
): { ok: true; fragment: ClipboardFragment } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'The clipboard does not hold flow JSON.' };
  }
  const parsed = clipboardDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (at ${issue.path.join('.')})` : '';
    return {
      ok: false,
      message: `The clipboard JSON is not a flow document with nodes${where}: ${issue?.message ?? 'invalid'}.`,
    };
  }
  return { ok: true, fragment: parsed.data };
}

/**
 * The fragment's nodes and edges with fresh ids (unique against the target flow), edges to
 * nodes outside the fragment dropped, moved by `offset` (or so their top-left sits at `at`),
 * and selected.
 */
export function remapFragment(
  fragment: ClipboardFragment,
  existing: { nodes: readonly FlowCanvasNode[]; edges: readonly FlowCanvasEdge[] },
  placement: { offset: XYPosition } | { at: XYPosition } = { offset: PASTE_OFFSET },
): { nodes: FlowCanvasNode[]; edges: FlowCanvasEdge[] } {
  const takenNodes = new Set(existing.nodes.map((n) => n.id));
  const takenEdges = new Set(existing.edges.map((e) => e.id));
  const minX = Math.min(...fragment.nodes.map((n) => n.position.x));
  const minY = Math.min(...fragment.nodes.map((n) => n.position.y));
  const shift =
    'at' in placement ? { x: placement.at.x - minX, y: placement.at.y - minY } : placement.offset;

  const idMap = new Map<string, string>();
  const nodes: FlowCanvasNode[] = [];
  for (const node of fragment.nodes) {
    if (idMap.has(node.id)) continue;
    const id = nextNodeId(node.type, takenNodes);
    takenNodes.add(id);
    idMap.set(node.id, id);
    const canvas = documentNodeToCanvas({
      ...node,
      config: structuredClone(node.config),
      id,
      position: { x: node.position.x + shift.x, y: node.position.y + shift.y },
    } as Parameters<typeof documentNodeToCanvas>[0]);
    nodes.push({ ...canvas, selected: true });
  }

  const edges: FlowCanvasEdge[] = [];
  for (const edge of fragment.edges) {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    if (!source || !target || source === target) continue;
    const remapped = { source, target, sourceHandle: edge.sourceHandle ?? null };
    const id = nextEdgeId(remapped, takenEdges);
    takenEdges.add(id);
    edges.push({
      id,
      source,
      target,
      sourceHandle: edge.sourceHandle ?? null,
      targetHandle: edge.targetHandle ?? null,
    });
  }
  return { nodes, edges };
}
