/**
 * Estimated size and handles for nodes React Flow has not measured yet. React Flow mounts every
 * node without handle bounds once to measure it, even with `onlyRenderVisibleElements`, so a
 * 1,000-node flow would mount 1,000 cards on open and unmount most of them right after. A node
 * handed to React Flow with `handles` and a `measured` size counts as laid out: only the nodes in
 * view mount, edges to nodes off screen attach to the estimate, and fitView (which waits until
 * every node has a measured size, and fits only those) sees the whole flow. A node that mounts is
 * measured for real: its estimated height is never a whole number of pixels, so React Flow always
 * sees a change and reports the real size, which the store keeps; the node then drops the estimate.
 */
import { type NodeHandle, Position } from '@xyflow/react';
import type { NodeTypeDescriptor } from '../api/types.ts';
import type { FlowCanvasNode } from './flow-types.ts';
import { DEFAULT_NODE_SIZE } from './node-placement.ts';

const HANDLE_SIZE = 10;
/** Half a pixel off DEFAULT_NODE_SIZE: no real card measures this, so a mounted node re-measures. */
const ESTIMATED_SIZE = { width: DEFAULT_NODE_SIZE.width, height: DEFAULT_NODE_SIZE.height + 0.5 };
const ONE_PORT = [{ id: 'in' }] as const;
const ONE_OUTPUT = [{ id: 'out' }] as const;

export type Ports = Pick<NodeTypeDescriptor, 'inputs' | 'outputs'>;

/** Handles spread down the card's sides as the node card draws them (node-card.tsx). */
export function estimatedHandles(ports: Ports | undefined): NodeHandle[] {
  const { width, height } = DEFAULT_NODE_SIZE;
  const side = (list: readonly { id: string }[], type: 'source' | 'target'): NodeHandle[] =>
    list.map((port, index) => ({
      id: port.id,
      type,
      position: type === 'source' ? Position.Right : Position.Left,
      x: type === 'source' ? width - HANDLE_SIZE / 2 : -HANDLE_SIZE / 2,
      y: (height * (index + 1)) / (list.length + 1) - HANDLE_SIZE / 2,
      width: HANDLE_SIZE,
      height: HANDLE_SIZE,
    }));
  return [
    ...side(ports?.inputs ?? ONE_PORT, 'target'),
    ...side(ports?.outputs ?? ONE_OUTPUT, 'source'),
  ];
}

/** Per store node object: the node with estimates, so React Flow sees the same object again. */
const estimated = new WeakMap<FlowCanvasNode, FlowCanvasNode>();

/** The node as React Flow should get it: with estimates until it has been measured. */
export function withEstimatedLayout(
  node: FlowCanvasNode,
  portsOf: (nodeType: string) => Ports | undefined,
): FlowCanvasNode {
  if (node.measured?.width !== undefined) return node;
  let withEstimates = estimated.get(node);
  if (!withEstimates) {
    withEstimates = {
      ...node,
      measured: ESTIMATED_SIZE,
      handles: estimatedHandles(portsOf(node.data.nodeType)),
    };
    estimated.set(node, withEstimates);
  }
  return withEstimates;
}
