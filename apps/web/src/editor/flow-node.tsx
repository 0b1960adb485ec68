/** The editor's custom React Flow node: a NodeCard plus its validation issues. */
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { NodeCard } from '../node-types/node-card.tsx';
import { useNodeType } from '../node-types/use-node-types.ts';
import { conciseIssueMessage } from '../ui/issue-list.tsx';
import { selectNodeIssues, useEditorStore } from './editor-store.ts';
import type { FlowCanvasNode } from './flow-types.ts';

export const FlowNode = memo(function FlowNode({ id, data, selected }: NodeProps<FlowCanvasNode>) {
  const descriptor = useNodeType(data.nodeType);
  const issues = useEditorStore(selectNodeIssues(id));
  const hasIssues = issues.length > 0;
  return (
    <NodeCard
      id={id}
      data={data}
      descriptor={descriptor}
      selected={selected}
      connectable
      className={hasIssues ? 'has-issues' : ''}
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
