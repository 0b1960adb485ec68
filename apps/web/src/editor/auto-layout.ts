/**
 * Auto-layout as plain data in, positions out: the flow (or the selected part of it) becomes an
 * ELK graph, layered left to right, with one port per handle so a branching node's outputs keep
 * their order; ELK itself is passed in, so the editor can load it on demand.
 */
import type { XYPosition } from '@xyflow/react';
import type { ELK, ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';
import { DEFAULT_NODE_SIZE, type PlacedRect } from './node-placement.ts';

export type LayoutNode = PlacedRect & { id: string; selected?: boolean };
export type LayoutEdge = {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
};
/** A node's handle ids in the order its card draws them (top to bottom). */
export type NodePorts = { inputs: readonly string[]; outputs: readonly string[] };
export type PortsOf = (nodeId: string) => NodePorts | undefined;

/** The whole flow, or only the selected nodes when two or more are selected. */
export type LayoutScope = 'flow' | 'selection';

export function layoutScope(nodes: readonly Pick<LayoutNode, 'selected'>[]): LayoutScope {
  let selected = 0;
  for (const node of nodes) if (node.selected) selected += 1;
  return selected >= 2 ? 'selection' : 'flow';
}

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '48',
  'elk.layered.spacing.nodeNodeBetweenLayers': '96',
  'elk.spacing.componentComponent': '64',
  // Ties broken by document order, so laying out twice gives the same picture.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

const portId = (nodeId: string, side: 'in' | 'out', handle: string) =>
  `${nodeId}\u0000${side}\u0000${handle}`;

function elkPorts(nodeId: string, ports: NodePorts | undefined): ElkPort[] {
  if (!ports) return [];
  // ELK numbers ports clockwise from the top-left: down the east side, up the west side.
  const outputs = ports.outputs.map((handle, index) => ({
    id: portId(nodeId, 'out', handle),
    layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) },
  }));
  const inputs = ports.inputs.map((handle, index) => ({
    id: portId(nodeId, 'in', handle),
    layoutOptions: {
      'elk.port.side': 'WEST',
      'elk.port.index': String(ports.outputs.length + ports.inputs.length - 1 - index),
    },
  }));
  return [...outputs, ...inputs];
}

/** The edge's end: the node's port for that handle when the node declares it, else the node. */
function edgeEnd(
  nodeId: string,
  side: 'in' | 'out',
  handle: string | null | undefined,
  ports: NodePorts | undefined,
): string {
  const declared = side === 'in' ? ports?.inputs : ports?.outputs;
  // A single-port node's edges name no handle in the document.
  const chosen = handle ?? declared?.[0];
  return chosen !== undefined && declared?.includes(chosen) ? portId(nodeId, side, chosen) : nodeId;
}

/** The ELK graph of these nodes and the edges between them. */
export function toElkGraph(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  portsOf: PortsOf,
): ElkNode {
  const ids = new Set(nodes.map((n) => n.id));
  const children: ElkNode[] = nodes.map((node) => ({
    id: node.id,
    width: node.measured?.width ?? DEFAULT_NODE_SIZE.width,
    height: node.measured?.height ?? DEFAULT_NODE_SIZE.height,
    ports: elkPorts(node.id, portsOf(node.id)),
    layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
  }));
  const elkEdges: ElkExtendedEdge[] = edges
    .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
    .map((edge) => ({
      id: edge.id,
      sources: [edgeEnd(edge.source, 'out', edge.sourceHandle, portsOf(edge.source))],
      targets: [edgeEnd(edge.target, 'in', edge.targetHandle, portsOf(edge.target))],
    }));
  return { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges: elkEdges };
}

function topLeft(positions: Iterable<XYPosition>): XYPosition | null {
  let corner: XYPosition | null = null;
  for (const p of positions) {
    corner = corner ? { x: Math.min(corner.x, p.x), y: Math.min(corner.y, p.y) } : { ...p };
  }
  return corner;
}

/**
 * New positions for the nodes in `scope` (the others are not in the result): laid out by ELK
 * and moved so the group's top-left corner stays where it was.
 */
export async function computeLayout(
  elk: Pick<ELK, 'layout'>,
  flow: { nodes: readonly LayoutNode[]; edges: readonly LayoutEdge[] },
  scope: LayoutScope,
  portsOf: PortsOf,
): Promise<Map<string, XYPosition>> {
  const nodes = scope === 'selection' ? flow.nodes.filter((n) => n.selected) : flow.nodes;
  const before = topLeft(nodes.map((n) => n.position));
  if (!before) return new Map();
  const laidOut = await elk.layout(toElkGraph(nodes, flow.edges, portsOf));
  const placed = (laidOut.children ?? []).map((child) => ({
    id: child.id,
    position: { x: child.x ?? 0, y: child.y ?? 0 },
  }));
  const after = topLeft(placed.map((p) => p.position)) ?? before;
  return new Map(
    placed.map(({ id, position }) => [
      id,
      {
        x: Math.round(position.x - after.x + before.x),
        y: Math.round(position.y - after.y + before.y),
      },
    ]),
  );
}
