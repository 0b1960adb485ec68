/**
 * The expression data of one node from the editor's current state: its graph (editor store), the
 * shown run (editor run store) and the node types' declared outputs. Read when asked (a
 * completion, a preview), never subscribed to, so typing re-renders nothing else.
 */
import type { NodeTypeDescriptor } from '../../api/types.ts';
import { useEditorStore } from '../../editor/editor-store.ts';
import { useEditorRunStore } from '../../editor/run-data/editor-run-store.ts';
import { expressionScopeOf } from '../../editor/run-data/node-run-data.ts';
import {
  ancestorIds,
  type ExpressionData,
  expressionDataOf,
  type GraphNode,
  type NodeTypeFacts,
} from './expression-data.ts';

/** A node's pinned output, read defensively: not every editor build carries pins on nodes. */
function pinnedOutputOf(data: object): unknown {
  return (data as { pinnedOutput?: unknown }).pinnedOutput;
}

export function graphNodes(): GraphNode[] {
  return useEditorStore.getState().nodes.map((node) => ({
    id: node.id,
    nodeType: node.data.nodeType,
    label: node.data.label,
    config: node.data.config,
    pinnedOutput: pinnedOutputOf(node.data),
  }));
}

export function nodeTypeFacts(
  descriptors: ReadonlyMap<string, NodeTypeDescriptor> | undefined,
): Map<string, NodeTypeFacts> {
  const facts = new Map<string, NodeTypeFacts>();
  for (const [type, descriptor] of descriptors ?? []) {
    facts.set(type, { category: descriptor.category, outputExample: descriptor.outputExample });
  }
  return facts;
}

export function currentExpressionData(
  nodeId: string,
  descriptors: ReadonlyMap<string, NodeTypeDescriptor> | undefined,
): ExpressionData {
  const run = useEditorRunStore.getState().data;
  return expressionDataOf({
    nodeId,
    nodes: graphNodes(),
    edges: useEditorStore.getState().edges,
    run: run ? expressionScopeOf(run) : null,
    nodeTypes: nodeTypeFacts(descriptors),
  });
}

/** Whether a node upstream of `nodeId` has a pinned output (the server previews with pins). */
export function hasPinnedUpstream(nodeId: string): boolean {
  const ancestors = new Set(ancestorIds(nodeId, useEditorStore.getState().edges));
  return useEditorStore
    .getState()
    .nodes.some((node) => ancestors.has(node.id) && pinnedOutputOf(node.data) !== undefined);
}
