/** Collapsible list of the flow's validation issues, floating over the canvas. */
import { useReactFlow } from '@xyflow/react';
import type { ValidationIssue } from '../api/types.ts';
import { AlertIcon, CheckIcon, ChevronDownIcon } from '../ui/icons.tsx';
import { IssueList } from '../ui/issue-list.tsx';
import { useEditorStore } from './editor-store.ts';
import { settingsIssuePath } from './override-issues.ts';

/** A problem on a node selects it; one in the flow's settings opens them. */
const canOpen = (issue: ValidationIssue) =>
  Boolean(issue.nodeId) || settingsIssuePath(issue) !== undefined;

export function ProblemsPanel({ validating }: { validating: boolean }) {
  const issues = useEditorStore((s) => s.issues.all);
  const open = useEditorStore((s) => s.problemsOpen);
  const setOpen = useEditorStore((s) => s.setProblemsOpen);
  const selectNode = useEditorStore((s) => s.selectNode);
  const openSettings = useEditorStore((s) => s.setFlowSettingsOpen);
  const { fitView } = useReactFlow();
  const count = issues.length;

  return (
    <div className={`problems${open && count > 0 ? ' is-open' : ''}`} data-testid="problems-panel">
      <button
        type="button"
        className={`problems__toggle${count > 0 ? ' has-problems' : ''}`}
        data-testid="problems-toggle"
        onClick={() => setOpen(!open)}
        disabled={count === 0}
      >
        {count > 0 ? <AlertIcon size={14} /> : <CheckIcon size={14} />}
        <span data-testid="problems-count" data-count={count}>
          {count === 0 ? 'No problems' : `${count} problem${count === 1 ? '' : 's'}`}
        </span>
        {validating && <span className="spinner" role="status" aria-label="Validating" />}
        {count > 0 && (
          <ChevronDownIcon size={14} className={`problems__chevron${open ? ' is-open' : ''}`} />
        )}
      </button>
      {open && count > 0 && (
        <div className="problems__body">
          <IssueList
            issues={issues}
            testId="problems-list"
            canSelect={canOpen}
            onSelect={(issue) => {
              if (!issue.nodeId) {
                if (settingsIssuePath(issue) !== undefined) openSettings(true);
                return;
              }
              selectNode(issue.nodeId);
              void fitView({ nodes: [{ id: issue.nodeId }], duration: 300, maxZoom: 1.1 });
            }}
          />
        </div>
      )}
    </div>
  );
}
