/**
 * Keeps React Flow out of edits that change only what a node shows (label, config, policy):
 * React Flow is handed the previous nodes array while only node `data` changed, so it neither
 * re-adopts every node nor re-runs its selectors for every node and edge; each node card reads
 * its current data from the editor store by id instead (`selectNodeData`). Typing in the
 * inspector then re-renders one card, whatever the flow's size.
 */
import { useRef } from 'react';
import { type Ports, withEstimatedLayout } from './estimated-handles.ts';
import type { FlowCanvasNode, FlowNodeData } from './flow-types.ts';

/** Whether the two nodes differ at most in `data` (same keys, same values otherwise). */
export function sameExceptData(a: FlowCanvasNode, b: FlowCanvasNode): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof FlowCanvasNode)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key === 'data' || a[key] === b[key]);
}

/** Whether `next` is `previous` with at most some nodes' `data` replaced. */
export function onlyDataChanged(
  previous: readonly FlowCanvasNode[],
  next: readonly FlowCanvasNode[],
): boolean {
  if (previous.length !== next.length) return false;
  for (let index = 0; index < next.length; index++) {
    const before = previous[index];
    const after = next[index];
    if (!before || !after || !sameExceptData(before, after)) return false;
  }
  return true;
}

/**
 * The nodes array to hand React Flow: the previous one while only node data changed. With
 * `portsOf` (a flow too big to fit the view readably), nodes not measured yet carry an estimated
 * size and handles (estimated-handles.ts). Not for a flow that is fitted to the view: React Flow
 * would take the estimates as measured and fit the view before the pane has its size.
 */
export function useCanvasNodes(
  nodes: FlowCanvasNode[],
  portsOf: ((nodeType: string) => Ports | undefined) | undefined,
): FlowCanvasNode[] {
  const state = useRef<{ store: FlowCanvasNode[]; canvas: FlowCanvasNode[] } | null>(null);
  const previous = state.current;
  if (previous?.store !== nodes) {
    const canvas =
      previous && onlyDataChanged(previous.store, nodes)
        ? previous.canvas
        : portsOf
          ? nodes.map((node) => withEstimatedLayout(node, portsOf))
          : nodes;
    state.current = { store: nodes, canvas };
  }
  return (state.current as { canvas: FlowCanvasNode[] }).canvas;
}

const indexes = new WeakMap<readonly FlowCanvasNode[], Map<string, FlowCanvasNode>>();

/** Node by id, indexed once per nodes array and shared by every card's selector. */
export function nodeById(nodes: readonly FlowCanvasNode[], id: string): FlowCanvasNode | undefined {
  let index = indexes.get(nodes);
  if (!index) {
    index = new Map(nodes.map((node) => [node.id, node]));
    indexes.set(nodes, index);
  }
  return index.get(id);
}

/** Selector factory: one node's current data (undefined once the node is gone). */
export function selectNodeData(id: string) {
  return (state: { nodes: readonly FlowCanvasNode[] }): FlowNodeData | undefined =>
    nodeById(state.nodes, id)?.data;
}
