/**
 * Read-only drawing of a version comparison: the newer document's nodes and edges, plus those
 * the older one had and the newer lacks, each marked added, removed, changed or moved. Its own
 * React Flow (mounted under its own provider) so the editor's store is never touched.
 */
import type { Node, NodeProps, NodeTypes } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { NodeCard } from '../../node-types/node-card.tsx';
import { useNodeType } from '../../node-types/use-node-types.ts';
import {
  type DraftFlowDocument,
  documentEdgeToCanvas,
  documentNodeToCanvas,
} from '../flow-document-mapping.ts';
import type { FlowCanvasEdge, FlowNodeData } from '../flow-types.ts';
import { ReadOnlyCanvas } from '../read-only-canvas.tsx';
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
  return (
    <ReadOnlyCanvas
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onSelectNode={onSelectNode}
      testId="version-diff-canvas"
    />
  );
}
