/** Read-only drawing of the flow version that ran, each node coloured by its step status. */
import {
  Background,
  BackgroundVariant,
  Controls,
  type Node,
  type NodeProps,
  type NodeTypes,
  ReactFlow,
} from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { FlowDocument } from '../api/types.ts';
import { documentToCanvas } from '../editor/flow-document-mapping.ts';
import type { FlowCanvasEdge, FlowNodeData } from '../editor/flow-types.ts';
import { NodeCard } from '../node-types/node-card.tsx';
import { useNodeType } from '../node-types/use-node-types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { formatDuration } from '../ui/format.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import { edgeTaken, type NodeRunStatus, type NodeSteps } from './step-grouping.ts';

type RunNodeData = FlowNodeData & {
  status: NodeRunStatus;
  attempts: number;
  durationMs: number | null;
  /** Waiting: when the next attempt is due. */
  nextAttemptAt: string | null;
  reused: boolean;
};
type RunCanvasNode = Node<RunNodeData, 'patchbay'>;

const RunFlowNode = memo(function RunFlowNode({ id, data, selected }: NodeProps<RunCanvasNode>) {
  const descriptor = useNodeType(data.nodeType);
  return (
    <NodeCard
      id={id}
      data={data}
      descriptor={descriptor}
      selected={selected}
      connectable={false}
      className={`run-node run-node--${data.status}`}
      footer={
        <div className="run-node__status">
          <StatusBadge status={data.status} compact testId={`node-status-${id}`} />
          {data.reused && <span className="run-node__meta">reused</span>}
          {data.attempts > 1 && <span className="run-node__meta">{data.attempts} attempts</span>}
          {data.status === 'waiting' && data.nextAttemptAt ? (
            <span className="run-node__meta run-node__meta--waiting">
              <Countdown until={data.nextAttemptAt} />
            </span>
          ) : (
            data.durationMs !== null && (
              <span className="run-node__meta">{formatDuration(data.durationMs)}</span>
            )
          )}
        </div>
      }
    />
  );
});

const nodeTypes = { patchbay: RunFlowNode } satisfies NodeTypes;
const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1 };

export function RunCanvas({
  document,
  groups,
  selectedNodeId,
  onSelectNode,
}: {
  document: FlowDocument;
  groups: readonly NodeSteps[];
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  const base = useMemo(() => documentToCanvas(document), [document]);
  const byNode = useMemo(() => new Map(groups.map((g) => [g.nodeId, g])), [groups]);

  const nodes = useMemo<RunCanvasNode[]>(
    () =>
      base.nodes.map((node) => {
        const group = byNode.get(node.id);
        return {
          ...node,
          selected: node.id === selectedNodeId,
          data: {
            ...node.data,
            status: group?.latest.status ?? 'pending',
            attempts: group?.attempts.length ?? 0,
            durationMs: group?.latest.durationMs ?? null,
            nextAttemptAt: group?.latest.nextAttemptAt ?? null,
            reused: Boolean(group?.latest.reusedFromRunId),
          },
        };
      }),
    [base, byNode, selectedNodeId],
  );

  const edges = useMemo<FlowCanvasEdge[]>(
    () =>
      base.edges.map((edge) => {
        const taken = edgeTaken(edge, byNode);
        const targetRunning = byNode.get(edge.target)?.latest.status === 'running';
        return {
          ...edge,
          className: taken ? 'edge--taken' : 'edge--idle',
          animated: taken && targetRunning,
        };
      }),
    [base, byNode],
  );

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
      fitView
      fitViewOptions={FIT_VIEW_OPTIONS}
      minZoom={0.25}
      onNodeClick={(_, node) => onSelectNode(node.id)}
      onPaneClick={() => onSelectNode(null)}
      data-testid="run-canvas"
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--canvas-dot)" />
      <Controls showInteractive={false} position="bottom-right" />
    </ReactFlow>
  );
}
