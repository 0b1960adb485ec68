/** Which policy or settings field a validation issue points at, to show it on that field. */
import type { ValidationIssue } from '../api/types.ts';

/** `retry.maxAttempts` for a `node.invalid_policy` issue (its path is inside the policy). */
export function policyIssuePath(issue: ValidationIssue): string | undefined {
  return issue.code === 'node.invalid_policy' ? issue.path.join('.') : undefined;
}

/** `maxConcurrentRuns` for a document issue under `['settings', …]`; `''` for settings as a whole. */
export function settingsIssuePath(issue: ValidationIssue): string | undefined {
  return issue.code === 'document.invalid' && issue.path[0] === 'settings'
    ? issue.path.slice(1).join('.')
    : undefined;
}
