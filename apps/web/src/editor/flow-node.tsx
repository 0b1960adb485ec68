/**
 * The editor's custom React Flow node: a NodeCard plus its validation issues, with the stats
 * overlay on its p95 and error rate, and its step in the run shown (live, or the last run). It
 * selects only its own slice of the run, so a step update re-renders just this node.
 */
import type { NodeProps } from '@xyflow/react';
import { memo, useContext, useMemo } from 'react';
import { NodeCard } from '../node-types/node-card.tsx';
import { useNodeType } from '../node-types/use-node-types.ts';
import { NodeRunStatusLine } from '../runs/node-run-status.tsx';
import { conciseIssueMessage } from '../ui/issue-list.tsx';
import { selectNodeData } from './canvas-node-identity.ts';
import { selectNodeIssues, useEditorStore } from './editor-store.ts';
import type { FlowCanvasNode } from './flow-types.ts';
import { nodeStatsBadge } from './node-stats-badge.ts';
import { NodeStatsContext } from './node-stats-context.ts';
import {
  selectNodeRun,
  selectShownRunKind,
  useEditorRunStore,
} from './run-data/editor-run-store.ts';
import { PinMarker } from './step-test/pin-marker.tsx';

export const FlowNode = memo(function FlowNode(props: NodeProps<FlowCanvasNode>) {
  const { id, selected } = props;
  // React Flow's copy of `data` lags behind label and config edits (canvas-node-identity.ts).
  const data = useEditorStore(selectNodeData(id)) ?? props.data;
  const descriptor = useNodeType(data.nodeType);
  const issues = useEditorStore(selectNodeIssues(id));
  const hasIssues = issues.length > 0;
  const figures = useContext(NodeStatsContext)?.get(id);
  const stats = useMemo(() => nodeStatsBadge(figures), [figures]);
  const nodeRun = useEditorRunStore(selectNodeRun(id));
  const runKind = useEditorRunStore(selectShownRunKind);
  // A live run shows the nodes it has not reached yet as pending; the last run leaves them be.
  const runStatus = nodeRun?.step.status ?? (runKind === 'live' ? 'pending' : undefined);
  const runClassName = runStatus
    ? ` run-node run-node--${runStatus}${runKind === 'last' ? ' run-node--last' : ''}`
    : '';
  return (
    <NodeCard
      id={id}
      data={data}
      descriptor={descriptor}
      selected={selected}
      connectable
      className={`${hasIssues ? 'has-issues' : ''}${runClassName}`}
      marker={data.pinnedOutput !== undefined && <PinMarker nodeId={id} />}
      footer={
        <>
          {runStatus && (
            <NodeRunStatusLine
              nodeId={id}
              status={runStatus}
              attempts={nodeRun?.attempts ?? 0}
              durationMs={nodeRun?.step.durationMs ?? null}
              nextAttemptAt={nodeRun?.step.nextAttemptAt ?? null}
              reused={Boolean(nodeRun?.step.reusedFromRunId)}
              note={runKind === 'last' ? 'last run' : undefined}
            />
          )}
          {stats && (
            <div
              className={`node-stats node-stats--${stats.tone}`}
              title={stats.tooltip}
              data-testid={`node-stats-${id}`}
              data-tone={stats.tone}
            >
              {stats.text}
            </div>
          )}
        </>
      }
      badge={
        hasIssues && (
          <span className="node-issues" data-testid={`node-issues-${id}`}>
            <span className="node-issues__badge" title={`${issues.length} problem(s)`}>
              {issues.length}
            </span>
            <span className="node-issues__popover" role="tooltip">
              {issues.map((issue, index) => (
                <span key={`${index}-${issue.code}`} className="node-issues__item">
                  {issue.code === 'node.invalid_config' && issue.path.length > 0 && (
                    <code>{issue.path.join('.')}</code>
                  )}
                  {issue.code === 'node.invalid_policy' && (
                    <code>{['policy', ...issue.path].join('.')}</code>
                  )}{' '}
                  {conciseIssueMessage(issue)}
                </span>
              ))}
            </span>
          </span>
        )
      }
    />
  );
});
