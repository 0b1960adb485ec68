/** Read-only drawing of the flow version that ran, each node coloured by its step status. */
import type { Node, NodeProps, NodeTypes } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { FlowDocument } from '../api/types.ts';
import { documentToCanvas } from '../editor/flow-document-mapping.ts';
import type { FlowCanvasEdge, FlowNodeData } from '../editor/flow-types.ts';
import { ReadOnlyCanvas } from '../editor/read-only-canvas.tsx';
import { NodeCard } from '../node-types/node-card.tsx';
import { useNodeType } from '../node-types/use-node-types.ts';
import { NodeRunStatusLine } from './node-run-status.tsx';
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
        <NodeRunStatusLine
          nodeId={id}
          status={data.status}
          attempts={data.attempts}
          durationMs={data.durationMs}
          nextAttemptAt={data.nextAttemptAt}
          reused={data.reused}
        />
      }
    />
  );
});

const nodeTypes = { patchbay: RunFlowNode } satisfies NodeTypes;

function sameRunData(a: RunNodeData, b: RunNodeData): boolean {
  return (
    a.status === b.status &&
    a.attempts === b.attempts &&
    a.durationMs === b.durationMs &&
    a.nextAttemptAt === b.nextAttemptAt &&
    a.reused === b.reused
  );
}

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

  // A long run's steps update often: a node or edge keeps its object (so it does not re-render)
  // unless its own status, attempts, timing or selection changed. The cache lives as long as the
  // drawn version.
  const built = useMemo(
    () => ({ nodes: new Map<string, RunCanvasNode>(), edges: new Map<string, FlowCanvasEdge>() }),
    [base],
  );
  const nodes = useMemo<RunCanvasNode[]>(() => {
    const previous = built.nodes;
    const next = new Map<string, RunCanvasNode>();
    const list = base.nodes.map((node) => {
      const group = byNode.get(node.id);
      const selected = node.id === selectedNodeId;
      const data: RunNodeData = {
        ...node.data,
        status: group?.latest.status ?? 'pending',
        attempts: group?.attempts.length ?? 0,
        durationMs: group?.latest.durationMs ?? null,
        nextAttemptAt: group?.latest.nextAttemptAt ?? null,
        reused: Boolean(group?.latest.reusedFromRunId),
      };
      const old = previous.get(node.id);
      const kept =
        old && old.selected === selected && sameRunData(old.data, data)
          ? old
          : { ...node, selected, data };
      next.set(node.id, kept);
      return kept;
    });
    built.nodes = next;
    return list;
  }, [base, built, byNode, selectedNodeId]);

  const edges = useMemo<FlowCanvasEdge[]>(() => {
    const previous = built.edges;
    const next = new Map<string, FlowCanvasEdge>();
    const list = base.edges.map((edge) => {
      const taken = edgeTaken(edge, byNode);
      const className = taken ? 'edge--taken' : 'edge--idle';
      const animated = taken && byNode.get(edge.target)?.latest.status === 'running';
      const old = previous.get(edge.id);
      const kept =
        old && old.className === className && old.animated === animated
          ? old
          : { ...edge, className, animated };
      next.set(edge.id, kept);
      return kept;
    });
    built.edges = next;
    return list;
  }, [base, built, byNode]);

  return (
    <ReadOnlyCanvas
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onSelectNode={onSelectNode}
      testId="run-canvas"
    />
  );
}
