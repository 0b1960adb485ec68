/** Exponential backoff with jitter, honouring a server's Retry-After. Pure: randomness comes in. */
import type { RetryPolicy } from './policy.ts';

/**
 * The delay before the attempt after `failedAttempt` (1-based):
 * `min(maxDelayMs, initialDelayMs * backoffFactor^(failedAttempt - 1))`, spread by ±`jitter`,
 * clamped to [0, maxDelayMs] and rounded. A `retryAfterMs` from the error (429 Retry-After, an
 * open circuit's cool-down) is a floor that may exceed maxDelayMs: calling earlier is pointless.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.backoffFactor ** (failedAttempt - 1),
  );
  const spread = base * (1 + policy.jitter * (2 * random() - 1));
  const delay = Math.round(Math.min(policy.maxDelayMs, Math.max(0, spread)));
  return retryAfterMs === undefined ? delay : Math.max(delay, Math.ceil(retryAfterMs));
}
