/** A readable list of flow validation issues: where (node/edge/field) and what. */
import type { ValidationIssue } from '../api/types.ts';
import { AlertIcon } from './icons.tsx';

const NODE_PREFIX = /^Node "[^"]*"(?:, field "[^"]*")?:\s*/;
const FIELD_PREFIX = /^Field "[^"]*":\s*/;

/**
 * The message without the `Node "x", field "y":` (or `Field "settings.y":`) lead-in, for places
 * that already show where.
 */
export function conciseIssueMessage(issue: ValidationIssue): string {
  const prefix = issue.nodeId ? NODE_PREFIX : issue.path.length > 0 ? FIELD_PREFIX : undefined;
  if (!prefix) return issue.message;
  const stripped = issue.message.replace(prefix, '');
  return stripped ? stripped.charAt(0).toUpperCase() + stripped.slice(1) : issue.message;
}

export function issueLocation(issue: ValidationIssue): string | undefined {
  const parts: string[] = [];
  if (issue.nodeId) parts.push(`node ${issue.nodeId}`);
  else if (issue.edgeId) parts.push(`edge ${issue.edgeId}`);
  if (issue.path.length > 0) parts.push(issue.path.join('.'));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

const pointsAtNode = (issue: ValidationIssue) => Boolean(issue.nodeId);

export function IssueList({
  issues,
  onSelect,
  canSelect = pointsAtNode,
  testId = 'issue-list',
}: {
  issues: readonly ValidationIssue[];
  onSelect?: (issue: ValidationIssue) => void;
  /** Which issues `onSelect` can take the user to; by default those on a node. */
  canSelect?: (issue: ValidationIssue) => boolean;
  testId?: string;
}) {
  return (
    <ul className="issue-list" data-testid={testId}>
      {issues.map((issue, index) => {
        const location = issueLocation(issue);
        const content = (
          <>
            <AlertIcon size={14} className="issue-list__icon" />
            <span className="issue-list__text">
              <span className="issue-list__message">{conciseIssueMessage(issue)}</span>
              {location && <span className="issue-list__where">{location}</span>}
            </span>
          </>
        );
        return (
          // Issues have no id; position plus content is stable for one list.
          <li
            key={`${index}-${issue.code}-${issue.nodeId ?? ''}`}
            data-testid="issue"
            data-node-id={issue.nodeId}
          >
            {onSelect && canSelect(issue) ? (
              <button
                type="button"
                className="issue-list__item is-clickable"
                onClick={() => onSelect(issue)}
              >
                {content}
              </button>
            ) : (
              <div className="issue-list__item">{content}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
