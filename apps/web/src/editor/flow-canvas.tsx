/** The editable React Flow canvas, wired to the editor store. */
import {
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type FinalConnectionState,
  type IsValidConnection,
  MiniMap,
  type NodeMouseHandler,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
  type Viewport,
  type XYPosition,
} from '@xyflow/react';
import { type DragEvent, type MouseEvent, useCallback, useMemo, useState } from 'react';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { CanvasContextMenu, type ContextMenuTarget } from './canvas-context-menu.tsx';
import { useCanvasNodes } from './canvas-node-identity.ts';
import { useEditorStore } from './editor-store.ts';
import { FlowNode } from './flow-node.tsx';
import type { FlowCanvasEdge, FlowCanvasNode } from './flow-types.ts';
import { FIT_VIEW_OPTIONS, openingViewport } from './initial-viewport.ts';
import { PALETTE_DRAG_TYPE } from './node-palette.tsx';
import { openNodePicker } from './node-picker-store.ts';
import { useEditorRunStore } from './run-data/editor-run-store.ts';
import { takenEdgeKey } from './run-data/node-run-data.ts';

const nodeTypes = { patchbay: FlowNode } satisfies NodeTypes;
const DELETE_KEYS = ['Backspace', 'Delete'];
const MIN_ZOOM = 0.25;
/** A flow that fits only below this zoom opens at its start instead (initial-viewport.ts). */
const READABLE_ZOOM = 0.5;
const MINIMAP_STYLE = { width: 160, height: 104 };
const DEFAULT_EDGE_OPTIONS = { interactionWidth: 16 };
const SNAP_GRID: [number, number] = [8, 8];

export function FlowCanvas({
  onDropType,
  readOnly = false,
  viewport,
}: {
  onDropType: (type: string, position: XYPosition) => void;
  /** Nodes can be selected and inspected, not moved, connected or deleted. */
  readOnly?: boolean;
  /** Where to open (the view left for a version comparison); by default openingViewport's. */
  viewport?: Viewport | undefined;
}) {
  const catalog = useNodeTypes().data;
  const portsOf = useCallback((nodeType: string) => catalog?.byType.get(nodeType), [catalog]);

  const edges = useEditorStore((s) => s.edges);
  const issuesByEdge = useEditorStore((s) => s.issues.byEdge);
  // The edges the shown run followed, as one string: changes a few times a run, not per snapshot.
  const takenKey = useEditorRunStore((s) => takenEdgeKey(s.data, edges));
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const storeOnConnect = useEditorStore((s) => s.onConnect);
  const { screenToFlowPosition } = useReactFlow();
  // The canvas mounts once the flow has loaded; fitView refines this after nodes are measured.
  const [opening] = useState(() =>
    viewport
      ? { viewport, fit: false }
      : openingViewport(
          useEditorStore.getState().nodes.map((n) => n.position),
          { width: window.innerWidth, height: window.innerHeight },
          { minZoom: MIN_ZOOM, readableZoom: READABLE_ZOOM, ...FIT_VIEW_OPTIONS },
        ),
  );
  const nodes = useCanvasNodes(
    useEditorStore((s) => s.nodes),
    opening.fit ? undefined : portsOf,
  );
  const [menu, setMenu] = useState<ContextMenuTarget | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  const onNodeContextMenu = useCallback<NodeMouseHandler<FlowCanvasNode>>(
    (event, node) => {
      event.preventDefault();
      // Right-clicking outside the selection acts on that node alone, as in file managers.
      if (!node.selected) useEditorStore.getState().selectNode(node.id);
      const screen = { x: event.clientX, y: event.clientY };
      setMenu({ kind: 'node', nodeId: node.id, screen, flow: screenToFlowPosition(screen) });
    },
    [screenToFlowPosition],
  );

  const onPaneContextMenu = useCallback(
    (event: MouseEvent | globalThis.MouseEvent) => {
      event.preventDefault();
      const screen = { x: event.clientX, y: event.clientY };
      setMenu({ kind: 'pane', screen, flow: screenToFlowPosition(screen) });
    },
    [screenToFlowPosition],
  );

  // A single-output node needs no handle id in the document; a branching one must name it.
  const documentHandle = useCallback(
    (nodeId: string, handle: string | null, side: 'inputs' | 'outputs') => {
      const nodeType = useEditorStore.getState().nodes.find((n) => n.id === nodeId)?.data.nodeType;
      const ports = nodeType ? catalog?.byType.get(nodeType)?.[side].length : undefined;
      return ports !== undefined && ports > 1 ? handle : null;
    },
    [catalog],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      storeOnConnect({
        ...connection,
        sourceHandle: documentHandle(connection.source, connection.sourceHandle, 'outputs'),
        targetHandle: documentHandle(connection.target, connection.targetHandle, 'inputs'),
      });
    },
    [documentHandle, storeOnConnect],
  );

  // An output dragged onto empty canvas: offer the picker there, to add a node connected to it.
  const onConnectEnd = useCallback(
    (event: globalThis.MouseEvent | TouchEvent, connection: FinalConnectionState) => {
      const { fromNode, fromHandle } = connection;
      if (connection.isValid || !fromNode || fromHandle?.type !== 'source') return;
      if (
        !(event.target instanceof Element) ||
        !event.target.classList.contains('react-flow__pane')
      ) {
        return;
      }
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      if (!point) return;
      const screen = { x: point.clientX, y: point.clientY };
      openNodePicker({
        kind: 'connect',
        from: {
          source: fromNode.id,
          sourceHandle: documentHandle(fromNode.id, fromHandle.id ?? null, 'outputs'),
        },
        at: screenToFlowPosition(screen),
        screen,
      });
    },
    [documentHandle, screenToFlowPosition],
  );

  const isValidConnection = useCallback<IsValidConnection>(
    (connection) => connection.source !== connection.target,
    [],
  );

  const styledEdges = useMemo<FlowCanvasEdge[]>(() => {
    const taken = new Set(takenKey.split(' '));
    return edges.map((edge) => {
      const classes = [
        edge.sourceHandle ? `edge--port-${edge.sourceHandle}` : '',
        issuesByEdge[edge.id] ? 'edge--invalid' : '',
        taken.has(edge.id) ? 'edge--taken' : '',
      ]
        .filter(Boolean)
        .join(' ');
      return classes ? { ...edge, className: classes } : edge;
    });
  }, [edges, issuesByEdge, takenKey]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Drop so the cursor sits near the card's header, not its top-left corner.
      onDropType(type, { x: point.x - 24, y: point.y - 20 });
    },
    [screenToFlowPosition, onDropType],
  );

  return (
    <>
      <ReactFlow
        nodes={nodes}
        edges={styledEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={readOnly ? null : DELETE_KEYS}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={!readOnly}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onDragOver={readOnly ? undefined : onDragOver}
        onDrop={readOnly ? undefined : onDrop}
        {...(readOnly ? {} : { onNodeContextMenu, onPaneContextMenu, onConnectEnd })}
        defaultViewport={opening.viewport}
        fitView={opening.fit}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={MIN_ZOOM}
        maxZoom={2}
        snapToGrid
        snapGrid={SNAP_GRID}
        // Big flows: only nodes and edges in view are in the DOM (all render once to be measured).
        onlyRenderVisibleElements
        data-testid="flow-canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--canvas-dot)" />
        <Controls
          showInteractive={false}
          position="bottom-right"
          fitViewOptions={FIT_VIEW_OPTIONS}
        />
        <MiniMap
          pannable
          zoomable
          position="top-right"
          className="canvas-minimap"
          nodeBorderRadius={6}
          style={MINIMAP_STYLE}
        />
      </ReactFlow>
      {menu && <CanvasContextMenu target={menu} onClose={closeMenu} />}
    </>
  );
}
