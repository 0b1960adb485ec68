/** Errors raised by the resilience layer, each with a stable code and retry hints. */
import { PatchbayError } from '../errors.ts';
import type { BreakerState } from './upstream-guard.ts';

/** The target's breaker is open: the call was not made. Retried per policy after retryAt. */
export class CircuitOpenError extends PatchbayError {
  readonly target: string;
  readonly retryAt: Date;

  constructor(target: string, retryAt: Date, now: Date, state: BreakerState) {
    super(
      'CIRCUIT_OPEN',
      `The circuit breaker for ${target} is ${state === 'open' ? 'open' : 'half-open and probing'}; ` +
        `the call was not made. It lets calls through again at ${retryAt.toISOString()}.`,
      {
        retryable: true,
        retryAfterMs: Math.max(0, retryAt.getTime() - now.getTime()),
        waitReason: 'circuit_open',
        details: { target, retryAt: retryAt.toISOString(), state },
      },
    );
    this.target = target;
    this.retryAt = retryAt;
  }
}

/**
 * No rate-limit token for the target yet. Not a failure: the step waits (in process when short,
 * rescheduled through the queue when long) and the wait does not use up an attempt.
 */
export class RateLimitedError extends PatchbayError {
  readonly target: string;

  constructor(target: string, waitMs: number, reason: 'rate_limited' | 'throttled') {
    super(
      'RATE_LIMITED',
      reason === 'throttled'
        ? `${target} asked callers to slow down (Retry-After); waiting ${waitMs} ms`
        : `The rate limit for ${target} is used up; waiting ${waitMs} ms for a token`,
      {
        retryable: true,
        retryAfterMs: waitMs,
        waitReason: reason,
        details: { target, waitMs, reason },
      },
    );
    this.target = target;
  }
}

/** A step waited for a rate-limit token longer than its policy's maxWaitMs. Not retried. */
export class RateLimitWaitExceededError extends PatchbayError {
  constructor(target: string, waitedMs: number, maxWaitMs: number) {
    super(
      'RATE_LIMIT_WAIT_EXCEEDED',
      `Waited ${waitedMs} ms for a rate-limit token for ${target}, more than the maximum of ` +
        `${maxWaitMs} ms. Raise the limit or the node's rateLimit.maxWaitMs.`,
      { nonRetryable: true, details: { target, waitedMs, maxWaitMs } },
    );
  }
}
