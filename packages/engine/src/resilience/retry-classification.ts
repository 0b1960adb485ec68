/**
 * Decides whether a failed attempt is retried, from the error and the node's retry policy. Pure:
 * the executor asks it after every failed attempt.
 */
import type { ResolvedRetryPolicy, RetryClassifier } from './policy.ts';

/** What classification reads of an error: a PatchbayError or its serialized form. */
export type ClassifiedError = {
  code: string;
  retryable?: boolean;
  nonRetryable?: boolean;
  details?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Never retried, whatever the policy says: the run was stopped, a bound was reached, or the flow
 * is wrong, so another attempt would fail the same way. Connector errors say so themselves
 * (`nonRetryable`), so that this list names no protocol.
 */
export const NEVER_RETRIED_CODES: ReadonlySet<string> = new Set([
  'CANCELLED',
  'RUN_CANCELLED',
  'RUN_TIMEOUT',
  'RATE_LIMIT_WAIT_EXCEEDED',
  'RETRIES_EXHAUSTED',
  'FLOW_INVALID',
  'NODE_INVALID_PORT',
  'OUTPUT_TOO_LARGE',
  'EXPRESSION_FAILED',
  'EXPRESSION_TIMEOUT',
  'EXPRESSION_MEMORY_LIMIT',
  // The egress policy refused the connection: configuration, not the upstream, must change.
  'EGRESS_DENIED',
]);

/**
 * `none`: never. An error marked `nonRetryable` or with a code in NEVER_RETRIED_CODES: never.
 * Then the node type's classifier (`retryOptions.classify`, e.g. HTTP's status lists) decides
 * when it has an opinion. Otherwise `any`: every error; `transient` (default): the error's own
 * `retryable` flag (network errors, timeouts, HTTP 5xx and 429, an open circuit).
 */
export function isRetryable(
  error: ClassifiedError,
  policy: ResolvedRetryPolicy,
  classify?: RetryClassifier,
): boolean {
  if (policy.retryOn === 'none' || error.nonRetryable === true) return false;
  if (NEVER_RETRIED_CODES.has(error.code)) return false;
  const decided = classify?.(error, policy);
  if (decided !== undefined) return decided;
  return policy.retryOn === 'any' || error.retryable === true;
}
