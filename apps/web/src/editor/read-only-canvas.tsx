/**
 * A React Flow canvas for looking, not editing (a run's version, a comparison of two versions):
 * nothing moves, connects or deletes; clicking a node selects it, clicking the pane clears it.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  type Edge,
  type Node,
  type NodeTypes,
  ReactFlow,
} from '@xyflow/react';
import { useCallback, useState } from 'react';
import { initialViewport } from './initial-viewport.ts';

const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1 };
const MIN_ZOOM = 0.25;

export function ReadOnlyCanvas<N extends Node>({
  nodes,
  edges,
  nodeTypes,
  onSelectNode,
  testId,
}: {
  nodes: N[];
  edges: Edge[];
  /** Declared at module scope by the caller, as React Flow asks. */
  nodeTypes: NodeTypes;
  onSelectNode: (nodeId: string | null) => void;
  testId: string;
}) {
  // Near where fitView lands, so a big flow's nodes mount once, already in their simple body.
  const [defaultViewport] = useState(() =>
    initialViewport(
      nodes.map((n) => n.position),
      { width: window.innerWidth, height: window.innerHeight },
      { minZoom: MIN_ZOOM, ...FIT_VIEW_OPTIONS },
    ),
  );
  const onNodeClick = useCallback((_: unknown, node: N) => onSelectNode(node.id), [onSelectNode]);
  const onPaneClick = useCallback(() => onSelectNode(null), [onSelectNode]);

  return (
    <ReactFlow<N>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
      defaultViewport={defaultViewport}
      fitView
      fitViewOptions={FIT_VIEW_OPTIONS}
      minZoom={MIN_ZOOM}
      onNodeClick={onNodeClick}
      onPaneClick={onPaneClick}
      // Big flows: only nodes and edges in view are in the DOM.
      onlyRenderVisibleElements
      data-testid={testId}
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--canvas-dot)" />
      <Controls showInteractive={false} position="bottom-right" />
    </ReactFlow>
  );
}
