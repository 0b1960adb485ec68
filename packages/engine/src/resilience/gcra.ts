/**
 * Rate limiting with GCRA (the generic cell rate algorithm), as plain functions over plain data.
 * One number per target, the theoretical arrival time (TAT), says when the next call is due if
 * calls were evenly spaced; a call is allowed when it is no more than the burst tolerance early.
 * A 429's Retry-After pushes `throttledUntil` forward, which holds back every caller.
 */
import type { RateLimitPolicy } from './policy.ts';

export type RateLimitShape = Pick<RateLimitPolicy, 'limit' | 'periodMs' | 'burst'>;

/** What the limiter remembers about one target. Times are milliseconds since the epoch. */
export type RateLimitSnapshot = {
  /** Theoretical arrival time of the next evenly spaced call; null before the first call. */
  tatMs: number | null;
  /** No call before this time (the upstream answered 429 with Retry-After). */
  throttledUntilMs: number | null;
  /** For display: calls allowed in the current period, which started at periodStartMs. */
  periodStartMs: number | null;
  periodCalls: number;
};

export type RateDecision =
  | { kind: 'allow'; next: RateLimitSnapshot }
  | { kind: 'wait'; waitMs: number; reason: 'rate_limited' | 'throttled' };

export function initialRateLimitSnapshot(): RateLimitSnapshot {
  return { tatMs: null, throttledUntilMs: null, periodStartMs: null, periodCalls: 0 };
}

/** T: the spacing between calls at the steady rate. */
export function emissionIntervalMs(policy: RateLimitShape): number {
  return policy.periodMs / policy.limit;
}

/** How early a call may come relative to the TAT: room for `burst` calls at once. */
export function burstToleranceMs(policy: RateLimitShape): number {
  return emissionIntervalMs(policy) * (policy.burst - 1);
}

/**
 * May a call go now? Waits out a throttle first; then, with a policy, takes a GCRA token.
 * Without a policy only the throttle applies. `waitMs` is rounded up, so waiting it is enough.
 */
export function decideRate(
  current: RateLimitSnapshot,
  policy: RateLimitShape | undefined,
  nowMs: number,
): RateDecision {
  if (current.throttledUntilMs !== null && nowMs < current.throttledUntilMs) {
    return {
      kind: 'wait',
      waitMs: Math.ceil(current.throttledUntilMs - nowMs),
      reason: 'throttled',
    };
  }
  if (!policy) return { kind: 'allow', next: current };

  const tat = Math.max(current.tatMs ?? nowMs, nowMs);
  const allowAtMs = tat - burstToleranceMs(policy);
  if (allowAtMs > nowMs) {
    return { kind: 'wait', waitMs: Math.ceil(allowAtMs - nowMs), reason: 'rate_limited' };
  }
  const periodElapsed =
    current.periodStartMs === null || nowMs >= current.periodStartMs + policy.periodMs;
  return {
    kind: 'allow',
    next: {
      ...current,
      tatMs: tat + emissionIntervalMs(policy),
      periodStartMs: periodElapsed ? nowMs : current.periodStartMs,
      periodCalls: periodElapsed ? 1 : current.periodCalls + 1,
    },
  };
}

/** A 429 with Retry-After: nobody calls the target before now + retryAfterMs. Never shortens. */
export function throttleUntil(
  current: RateLimitSnapshot,
  retryAfterMs: number,
  nowMs: number,
): RateLimitSnapshot {
  const untilMs = nowMs + Math.max(0, retryAfterMs);
  if (current.throttledUntilMs !== null && current.throttledUntilMs >= untilMs) return current;
  return { ...current, throttledUntilMs: untilMs };
}

/** The earliest time a call could be allowed, for display (now when a token is free). */
export function nextAllowedAtMs(
  current: RateLimitSnapshot,
  policy: RateLimitShape | undefined,
  nowMs: number,
): number {
  const tokenAtMs =
    policy && current.tatMs !== null ? current.tatMs - burstToleranceMs(policy) : nowMs;
  return Math.max(nowMs, current.throttledUntilMs ?? nowMs, tokenAtMs);
}

/** Calls allowed in the current period, reading zero once the period has elapsed. */
export function callsInCurrentPeriod(
  current: RateLimitSnapshot,
  policy: RateLimitShape | undefined,
  nowMs: number,
): number {
  if (!policy || current.periodStartMs === null) return 0;
  return nowMs < current.periodStartMs + policy.periodMs ? current.periodCalls : 0;
}
