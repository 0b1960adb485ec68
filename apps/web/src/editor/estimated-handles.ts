/**
 * Estimated size and handles for nodes React Flow has not measured yet. React Flow mounts every
 * node without handle bounds once to measure it, even with `onlyRenderVisibleElements`, so a
 * 1,000-node flow would mount 1,000 cards on open and unmount most of them right after. A node
 * given `handles` and an initial size counts as laid out: only the nodes in view mount, and edges
 * to nodes off screen attach to the estimate. A node drops the estimate once it has been measured
 * (the store then holds its `measured` size and React Flow its real handle bounds).
 */
import { type NodeHandle, Position } from '@xyflow/react';
import type { NodeTypeDescriptor } from '../api/types.ts';
import type { FlowCanvasNode } from './flow-types.ts';
import { DEFAULT_NODE_SIZE } from './node-placement.ts';

const HANDLE_SIZE = 10;
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
      initialWidth: DEFAULT_NODE_SIZE.width,
      initialHeight: DEFAULT_NODE_SIZE.height,
      handles: estimatedHandles(portsOf(node.data.nodeType)),
    };
    estimated.set(node, withEstimates);
  }
  return withEstimates;
}
