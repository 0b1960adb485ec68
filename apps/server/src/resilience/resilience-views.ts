/** What the API returns for breakers and rate limits. Dates travel as ISO strings. */
import {
  type BreakerPolicy,
  type BreakerSnapshot,
  type BreakerState,
  breakerPolicySchema,
  callsInCurrentPeriod,
  DEFAULT_BREAKER_POLICY,
  nextAllowedAtMs,
  observeBreaker,
  type RateLimitShape,
  type RateLimitSnapshot,
  type SerializedError,
} from '@patchbay/engine';

export type BreakerView = {
  target: string;
  /** As the next call would find it: an open breaker past openUntil reads half_open. */
  state: BreakerState;
  consecutiveFailures: number;
  /** Calls and failures counted in the current window (zero once it has elapsed). */
  windowCalls: number;
  windowFailures: number;
  windowStartedAt: string | null;
  openedAt: string | null;
  openUntil: string | null;
  probesInFlight: number;
  lastError: SerializedError | null;
  lastFailureAt: string | null;
  /** The policy of the last call that changed the breaker; null before any call was counted. */
  policy: BreakerPolicy | null;
  updatedAt: string;
};

export type BreakerTransitionView = {
  id: string;
  from: BreakerState;
  to: BreakerState;
  reason: string;
  at: string;
};

export type BreakerDetail = BreakerView & {
  /** Newest first, at most RECENT_TRANSITIONS. */
  transitions: BreakerTransitionView[];
};

export type RateLimitView = {
  target: string;
  /** The limit configured by the last call that took a token; null when only ever throttled. */
  limit: number | null;
  periodMs: number | null;
  burst: number | null;
  /** Set by a 429's Retry-After; no worker calls the target before it. May lie in the past. */
  throttledUntil: string | null;
  usage: {
    /** Calls let through in the current period, which started at periodStartedAt. */
    callsInPeriod: number;
    periodStartedAt: string | null;
    /** When the next call may go: now, or later when the tokens are used up or throttled. */
    nextTokenAt: string;
  };
  updatedAt: string;
};

export const RECENT_TRANSITIONS = 50;

/** Parses a stored policy over today's defaults, so a row written by an older version reads. */
export function parseStoredBreakerPolicy(value: unknown): BreakerPolicy | null {
  if (value === null || value === undefined) return null;
  const stored = breakerPolicySchema.partial().parse(value);
  return breakerPolicySchema.parse({ ...DEFAULT_BREAKER_POLICY, ...stored });
}

export function toBreakerView(
  target: string,
  snapshot: BreakerSnapshot,
  policy: BreakerPolicy | null,
  updatedAtMs: number,
  nowMs: number,
): BreakerView {
  const seen = observeBreaker(snapshot, policy, nowMs);
  return {
    target,
    state: seen.state,
    consecutiveFailures: seen.consecutiveFailures,
    windowCalls: seen.windowCalls,
    windowFailures: seen.windowFailures,
    windowStartedAt: iso(seen.windowStartMs),
    openedAt: iso(seen.openedAtMs),
    openUntil: iso(seen.openUntilMs),
    probesInFlight: seen.probesInFlight,
    lastError: seen.lastError,
    lastFailureAt: iso(seen.lastFailureAtMs),
    policy,
    updatedAt: isoAt(updatedAtMs),
  };
}

export function toRateLimitView(
  target: string,
  snapshot: RateLimitSnapshot,
  policy: RateLimitShape | undefined,
  updatedAtMs: number,
  nowMs: number,
): RateLimitView {
  return {
    target,
    limit: policy?.limit ?? null,
    periodMs: policy?.periodMs ?? null,
    burst: policy?.burst ?? null,
    throttledUntil: iso(snapshot.throttledUntilMs),
    usage: {
      callsInPeriod: callsInCurrentPeriod(snapshot, policy, nowMs),
      periodStartedAt: policy ? iso(snapshot.periodStartMs) : null,
      nextTokenAt: isoAt(nextAllowedAtMs(snapshot, policy, nowMs)),
    },
    updatedAt: isoAt(updatedAtMs),
  };
}

/** Rounded up to the millisecond: waiting until a reported instant is always long enough. */
function isoAt(ms: number): string {
  return new Date(Math.ceil(ms)).toISOString();
}

function iso(ms: number | null): string | null {
  return ms === null ? null : isoAt(ms);
}
