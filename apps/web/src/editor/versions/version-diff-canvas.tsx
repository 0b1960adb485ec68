/**
 * Read-only drawing of a version comparison: the newer document's nodes and edges, plus those
 * the older one had and the newer lacks, each marked added, removed, changed or moved. Its own
 * React Flow (mounted under its own provider) so the editor's store is never touched.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  type Node,
  type NodeProps,
  type NodeTypes,
  ReactFlow,
} from '@xyflow/react';
import { memo, useCallback, useMemo, useState } from 'react';
import { NodeCard } from '../../node-types/node-card.tsx';
import { useNodeType } from '../../node-types/use-node-types.ts';
import {
  type DraftFlowDocument,
  documentEdgeToCanvas,
  documentNodeToCanvas,
} from '../flow-document-mapping.ts';
import type { FlowCanvasEdge, FlowNodeData } from '../flow-types.ts';
import { initialViewport } from '../initial-viewport.ts';
import {
  DIFF_STATUS_LABEL,
  edgeKey,
  type FlowDiff,
  type NodeDiffStatus,
} from './flow-version-diff.ts';

type DiffNodeData = FlowNodeData & { diff: NodeDiffStatus };
type DiffCanvasNode = Node<DiffNodeData, 'patchbay'>;

const DiffFlowNode = memo(function DiffFlowNode({ id, data, selected }: NodeProps<DiffCanvasNode>) {
  const descriptor = useNodeType(data.nodeType);
  return (
    <NodeCard
      id={id}
      data={data}
      descriptor={descriptor}
      selected={selected}
      connectable={false}
      className={`diff-node diff-node--${data.diff}`}
      badge={
        data.diff !== 'unchanged' && (
          <span
            className={`diff-badge diff-badge--${data.diff}`}
            data-testid={`diff-badge-${id}`}
            data-diff={data.diff}
          >
            {DIFF_STATUS_LABEL[data.diff]}
          </span>
        )
      }
    />
  );
});

const nodeTypes = { patchbay: DiffFlowNode } satisfies NodeTypes;
const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1 };
const MIN_ZOOM = 0.25;

export function VersionDiffCanvas({
  after,
  diff,
  selectedNodeId,
  onSelectNode,
}: {
  /** The newer document of the two compared. */
  after: DraftFlowDocument;
  diff: FlowDiff;
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  const base = useMemo<DiffCanvasNode[]>(
    () =>
      // Removed nodes are drawn where the older version had them.
      diff.nodes.map((entry) => {
        const node = documentNodeToCanvas(entry.drawn);
        return { ...node, data: { ...node.data, diff: entry.status } };
      }),
    [diff],
  );
  const nodes = useMemo(
    () => base.map((node) => (node.id === selectedNodeId ? { ...node, selected: true } : node)),
    [base, selectedNodeId],
  );
  const edges = useMemo<FlowCanvasEdge[]>(() => {
    const added = new Set(diff.edges.added.map(edgeKey));
    return [
      ...after.edges.map((edge) => ({
        ...documentEdgeToCanvas(edge),
        className: added.has(edgeKey(edge)) ? 'edge--diff-added' : 'edge--diff-same',
      })),
      ...diff.edges.removed.map((edge) => ({
        ...documentEdgeToCanvas(edge),
        id: `removed:${edge.id}`,
        className: 'edge--diff-removed',
      })),
    ];
  }, [after, diff]);
  const [defaultViewport] = useState(() =>
    initialViewport(
      base.map((n) => n.position),
      { width: window.innerWidth, height: window.innerHeight },
      { minZoom: MIN_ZOOM, ...FIT_VIEW_OPTIONS },
    ),
  );

  const onNodeClick = useCallback(
    (_: unknown, node: DiffCanvasNode) => onSelectNode(node.id),
    [onSelectNode],
  );
  const onPaneClick = useCallback(() => onSelectNode(null), [onSelectNode]);

  return (
    <ReactFlow
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
      onlyRenderVisibleElements
      data-testid="version-diff-canvas"
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--canvas-dot)" />
      <Controls showInteractive={false} position="bottom-right" />
    </ReactFlow>
  );
}
