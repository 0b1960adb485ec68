/** A step test's outcome: status, duration and output, or the error (with its issues) in words. */
import { errorMessage, issuesFromError } from '../../api/api-error.ts';
import type { StepTestResult } from '../../api/types.ts';
import { formatDuration } from '../../ui/format.ts';
import { IssueList } from '../../ui/issue-list.tsx';
import { JsonViewer } from '../../ui/json-viewer.tsx';
import { StatusBadge } from '../../ui/status-badge.tsx';

/** The request itself was refused (bad document, trigger node, not connected, unknown run). */
export function StepTestRefusal({ error }: { error: unknown }) {
  const issues = issuesFromError(error);
  return (
    <div className="step-test__refusal" role="alert" data-testid="step-test-error">
      <p className="form-error">
        {issues.length > 0
          ? `Can't test: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the flow`
          : `Can't test: ${errorMessage(error)}`}
      </p>
      {issues.length > 0 && <IssueList issues={issues} testId="step-test-issues" />}
    </div>
  );
}

export function StepTestOutcome({ result }: { result: StepTestResult }) {
  return (
    <div className="step-test__outcome" data-testid="step-test-result" data-status={result.status}>
      <div className="step-test__outcome-head">
        <StatusBadge status={result.status} testId="step-test-status" />
        <span className="muted small" data-testid="step-test-duration">
          {formatDuration(result.durationMs)}
        </span>
        {result.port && <span className="muted small">to output “{result.port}”</span>}
      </div>
      {result.status === 'succeeded' ? (
        <JsonViewer value={result.output} testId="step-test-output" />
      ) : (
        <p className="form-error" role="alert" data-testid="step-test-failure">
          {result.error?.code && <code>{result.error.code}</code>}{' '}
          {result.error?.message ?? 'The step failed.'}
          {result.error?.field && ` (field "${result.error.field}")`}
        </p>
      )}
    </div>
  );
}
