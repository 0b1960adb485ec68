/**
 * The circuit breaker as plain functions over plain data: no I/O, `nowMs` passed in. The
 * in-memory guard and the server's Postgres guard both load a snapshot, apply one of these and
 * store the result, so every process runs the same state machine.
 */
import type { SerializedError } from '../errors.ts';
import type { BreakerPolicy } from './policy.ts';
import type { BreakerState, UpstreamOutcome } from './upstream-guard.ts';

/** Everything the breaker remembers about one target. Times are milliseconds since the epoch. */
export type BreakerSnapshot = {
  state: BreakerState;
  consecutiveFailures: number;
  /** Start of the current counting window; null until the first call is counted. */
  windowStartMs: number | null;
  windowCalls: number;
  windowFailures: number;
  openedAtMs: number | null;
  openUntilMs: number | null;
  /** Half-open probes let through and not reported yet. */
  probesInFlight: number;
  /** Half-open probes that succeeded since the breaker went half-open. */
  probeSuccesses: number;
  /** Probes still unreported at this time are presumed lost (their worker died) and forgotten. */
  probesExpireAtMs: number | null;
  lastError: SerializedError | null;
  lastFailureAtMs: number | null;
};

export type BreakerTransition = {
  from: BreakerState;
  to: BreakerState;
  reason: string;
  atMs: number;
};

export type BreakerDecision =
  | { kind: 'proceed'; probe: boolean }
  /** The call must not be made before retryAtMs. `state` is the breaker's state after deciding. */
  | { kind: 'reject'; state: BreakerState; retryAtMs: number };

export type BreakerAcquireResult = {
  decision: BreakerDecision;
  next: BreakerSnapshot;
  transition?: BreakerTransition;
};

export type BreakerOutcomeResult = { next: BreakerSnapshot; transition?: BreakerTransition };

export const MANUAL_RESET_REASON = 'manual reset';

export function initialBreakerSnapshot(): BreakerSnapshot {
  return {
    state: 'closed',
    consecutiveFailures: 0,
    windowStartMs: null,
    windowCalls: 0,
    windowFailures: 0,
    openedAtMs: null,
    openUntilMs: null,
    probesInFlight: 0,
    probeSuccesses: 0,
    probesExpireAtMs: null,
    lastError: null,
    lastFailureAtMs: null,
  };
}

/**
 * May a call go to the target now? Closed: yes. Open: no until openUntil, then the breaker goes
 * half-open. Half-open: yes as a probe while fewer than `halfOpenProbes` probes have been let
 * through (succeeded or still in flight); otherwise no.
 */
export function decideAcquire(
  current: BreakerSnapshot,
  policy: BreakerPolicy,
  nowMs: number,
): BreakerAcquireResult {
  if (!policy.enabled) return { decision: { kind: 'proceed', probe: false }, next: current };

  let next = current;
  let transition: BreakerTransition | undefined;
  if (next.state === 'open') {
    if (next.openUntilMs !== null && nowMs < next.openUntilMs) {
      return { decision: { kind: 'reject', state: 'open', retryAtMs: next.openUntilMs }, next };
    }
    next = toHalfOpen(next);
    transition = {
      from: 'open',
      to: 'half_open',
      reason: `open duration of ${policy.openDurationMs} ms elapsed; letting probe calls through`,
      atMs: nowMs,
    };
  }

  if (next.state === 'half_open') {
    next = forgetLostProbes(next, nowMs);
    if (next.probesInFlight + next.probeSuccesses < policy.halfOpenProbes) {
      next = {
        ...next,
        probesInFlight: next.probesInFlight + 1,
        probesExpireAtMs: nowMs + policy.openDurationMs,
      };
      return withTransition({ decision: { kind: 'proceed', probe: true }, next }, transition);
    }
    const retryAtMs = next.probesExpireAtMs ?? nowMs + policy.openDurationMs;
    return withTransition(
      { decision: { kind: 'reject', state: 'half_open', retryAtMs }, next },
      transition,
    );
  }

  return { decision: { kind: 'proceed', probe: false }, next };
}

/**
 * Records how a call went. Closed: count it; open when the consecutive failures or the window's
 * failure rate reach the policy. Half-open: a failing probe opens again, and the breaker closes
 * once `halfOpenProbes` probes succeeded. A throttled outcome (429) is neither success nor
 * failure; it only frees its probe slot. Late reports of calls let through before the breaker
 * opened do not move it.
 */
export function applyOutcome(
  current: BreakerSnapshot,
  policy: BreakerPolicy,
  outcome: UpstreamOutcome,
  probe: boolean,
  nowMs: number,
): BreakerOutcomeResult {
  if (!policy.enabled) return { next: current };
  if (outcome.kind === 'throttled') {
    if (probe && current.state === 'half_open') {
      return { next: { ...current, probesInFlight: Math.max(0, current.probesInFlight - 1) } };
    }
    return { next: current };
  }

  const failed = outcome.kind === 'failure';
  let next: BreakerSnapshot = failed
    ? { ...current, lastError: outcome.error, lastFailureAtMs: nowMs }
    : current;

  switch (current.state) {
    case 'open':
      return { next };
    case 'half_open': {
      if (!probe) return { next };
      if (failed) return open(next, policy, nowMs, 'a half-open probe failed');
      next = {
        ...next,
        probesInFlight: Math.max(0, next.probesInFlight - 1),
        probeSuccesses: next.probeSuccesses + 1,
      };
      if (next.probeSuccesses < policy.halfOpenProbes) return { next };
      const reason =
        policy.halfOpenProbes === 1
          ? 'the half-open probe succeeded'
          : `all ${policy.halfOpenProbes} half-open probes succeeded`;
      return close(next, nowMs, reason);
    }
    case 'closed': {
      next = rollWindow(next, policy, nowMs);
      next = {
        ...next,
        windowCalls: next.windowCalls + 1,
        windowFailures: next.windowFailures + (failed ? 1 : 0),
        consecutiveFailures: failed ? next.consecutiveFailures + 1 : 0,
      };
      const reason = failed ? tripReason(next, policy) : undefined;
      return reason ? open(next, policy, nowMs, reason) : { next };
    }
  }
}

/** Forces the breaker closed with fresh counters (an operator's reset). Always a transition. */
export function resetBreaker(
  current: BreakerSnapshot,
  nowMs: number,
  reason: string = MANUAL_RESET_REASON,
): BreakerOutcomeResult {
  return close(current, nowMs, reason);
}

/**
 * The breaker as the next call would find it, for display: an open breaker past openUntil shows
 * as half-open, lost probes are forgotten, and counters of an elapsed window read zero.
 */
export function observeBreaker(
  current: BreakerSnapshot,
  policy: BreakerPolicy | null,
  nowMs: number,
): BreakerSnapshot {
  let next = current;
  if (next.state === 'open' && (next.openUntilMs === null || nowMs >= next.openUntilMs)) {
    next = toHalfOpen(next);
  }
  if (next.state === 'half_open') next = forgetLostProbes(next, nowMs);
  if (next.state === 'closed' && policy) next = rollWindow(next, policy, nowMs);
  return next;
}

/** Why the counters open the breaker, or undefined when they do not. */
function tripReason(snapshot: BreakerSnapshot, policy: BreakerPolicy): string | undefined {
  if (snapshot.consecutiveFailures >= policy.consecutiveFailures) {
    return `${snapshot.consecutiveFailures} consecutive failures`;
  }
  if (
    snapshot.windowCalls >= policy.minimumThroughput &&
    snapshot.windowFailures / snapshot.windowCalls >= policy.failureRateThreshold
  ) {
    const rate = Math.round((snapshot.windowFailures / snapshot.windowCalls) * 100);
    return (
      `failure rate ${rate}% (${snapshot.windowFailures} of ${snapshot.windowCalls} calls in ` +
      `${policy.windowMs} ms) reached the threshold of ${Math.round(policy.failureRateThreshold * 100)}%`
    );
  }
  return undefined;
}

/** Starts a new counting window when the current one has elapsed (tumbling windows). */
function rollWindow(
  snapshot: BreakerSnapshot,
  policy: BreakerPolicy,
  nowMs: number,
): BreakerSnapshot {
  if (snapshot.windowStartMs !== null && nowMs < snapshot.windowStartMs + policy.windowMs) {
    return snapshot;
  }
  return { ...snapshot, windowStartMs: nowMs, windowCalls: 0, windowFailures: 0 };
}

function forgetLostProbes(snapshot: BreakerSnapshot, nowMs: number): BreakerSnapshot {
  if (
    snapshot.probesInFlight === 0 ||
    snapshot.probesExpireAtMs === null ||
    nowMs < snapshot.probesExpireAtMs
  ) {
    return snapshot;
  }
  return { ...snapshot, probesInFlight: 0, probesExpireAtMs: null };
}

function toHalfOpen(snapshot: BreakerSnapshot): BreakerSnapshot {
  return {
    ...snapshot,
    state: 'half_open',
    probesInFlight: 0,
    probeSuccesses: 0,
    probesExpireAtMs: null,
  };
}

function open(
  snapshot: BreakerSnapshot,
  policy: BreakerPolicy,
  nowMs: number,
  reason: string,
): BreakerOutcomeResult {
  return {
    next: {
      ...snapshot,
      state: 'open',
      openedAtMs: nowMs,
      openUntilMs: nowMs + policy.openDurationMs,
      probesInFlight: 0,
      probeSuccesses: 0,
      probesExpireAtMs: null,
    },
    transition: { from: snapshot.state, to: 'open', reason, atMs: nowMs },
  };
}

function close(snapshot: BreakerSnapshot, nowMs: number, reason: string): BreakerOutcomeResult {
  return {
    next: {
      ...initialBreakerSnapshot(),
      lastError: snapshot.lastError,
      lastFailureAtMs: snapshot.lastFailureAtMs,
    },
    transition: { from: snapshot.state, to: 'closed', reason, atMs: nowMs },
  };
}

function withTransition<T extends object>(
  result: T,
  transition: BreakerTransition | undefined,
): T & { transition?: BreakerTransition } {
  return transition ? { ...result, transition } : result;
}
