/**
 * Decides whether a failed attempt is retried, from the error and the node's retry policy. Pure:
 * the executor asks it after every failed attempt.
 */
import type { RetryPolicy } from './policy.ts';

/** What classification reads of an error: a PatchbayError or its serialized form. */
export type ClassifiedError = {
  code: string;
  retryable?: boolean;
  details?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Never retried, whatever the policy says: the run was stopped, a bound was reached, or the node's
 * own config or the flow is wrong, so another attempt would fail the same way.
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
  'HTTP_INVALID_URL',
  'HTTP_INVALID_BODY',
  'HTTP_INVALID_HEADER',
  // The egress policy refused the connection: configuration, not the upstream, must change.
  'EGRESS_DENIED',
]);

/**
 * `none`: never. `any`: every error but those in NEVER_RETRIED_CODES. `transient` (default): the
 * error's own `retryable` flag (network errors, timeouts, HTTP 5xx and 429, an open circuit).
 * For HTTP_STATUS errors, `noRetryHttpStatuses` and then `retryHttpStatuses` override both.
 */
export function isRetryable(error: ClassifiedError, policy: RetryPolicy): boolean {
  if (policy.retryOn === 'none' || NEVER_RETRIED_CODES.has(error.code)) return false;
  const status = error.code === 'HTTP_STATUS' ? error.details?.status : undefined;
  if (typeof status === 'number') {
    if (policy.noRetryHttpStatuses.includes(status)) return false;
    if (policy.retryHttpStatuses.includes(status)) return true;
  }
  return policy.retryOn === 'any' || error.retryable === true;
}
