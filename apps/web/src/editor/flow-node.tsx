/**
 * The editor's custom React Flow node: a NodeCard plus its validation issues and, with the stats
 * overlay on, its p95 and error rate.
 */
import type { NodeProps } from '@xyflow/react';
import { memo, useContext, useMemo } from 'react';
import { NodeCard } from '../node-types/node-card.tsx';
import { useNodeType } from '../node-types/use-node-types.ts';
import { conciseIssueMessage } from '../ui/issue-list.tsx';
import { selectNodeData } from './canvas-node-identity.ts';
import { selectNodeIssues, useEditorStore } from './editor-store.ts';
import type { FlowCanvasNode } from './flow-types.ts';
import { nodeStatsBadge } from './node-stats-badge.ts';
import { NodeStatsContext } from './node-stats-context.ts';
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
  return (
    <NodeCard
      id={id}
      data={data}
      descriptor={descriptor}
      selected={selected}
      connectable
      className={hasIssues ? 'has-issues' : ''}
      marker={data.pinnedOutput !== undefined && <PinMarker nodeId={id} />}
      footer={
        stats && (
          <div
            className={`node-stats node-stats--${stats.tone}`}
            title={stats.tooltip}
            data-testid={`node-stats-${id}`}
            data-tone={stats.tone}
          >
            {stats.text}
          </div>
        )
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
