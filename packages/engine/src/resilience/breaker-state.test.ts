import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  type BreakerSnapshot,
  decideAcquire,
  initialBreakerSnapshot,
  observeBreaker,
  resetBreaker,
} from './breaker-state.ts';
import { type BreakerPolicy, DEFAULT_BREAKER_POLICY } from './policy.ts';
import type { UpstreamOutcome } from './upstream-guard.ts';

const policy: BreakerPolicy = {
  ...DEFAULT_BREAKER_POLICY,
  consecutiveFailures: 3,
  failureRateThreshold: 0.5,
  minimumThroughput: 10,
  windowMs: 10_000,
  openDurationMs: 5_000,
  halfOpenProbes: 1,
};
const success: UpstreamOutcome = { kind: 'success' };
const failure: UpstreamOutcome = {
  kind: 'failure',
  error: { code: 'HTTP_503', message: 'Service Unavailable' },
};
const throttled: UpstreamOutcome = { kind: 'throttled', retryAfterMs: 1_000 };

/** Runs acquire + release for each outcome at `nowMs`, as a caller would. */
function calls(
  start: BreakerSnapshot,
  outcomes: UpstreamOutcome[],
  nowMs: number,
  p = policy,
): BreakerSnapshot {
  let state = start;
  for (const outcome of outcomes) {
    const acquired = decideAcquire(state, p, nowMs);
    if (acquired.decision.kind !== 'proceed') throw new Error('call was rejected');
    state = applyOutcome(acquired.next, p, outcome, acquired.decision.probe, nowMs).next;
  }
  return state;
}

function openedAt(nowMs: number): BreakerSnapshot {
  const state = calls(initialBreakerSnapshot(), [failure, failure, failure], nowMs);
  expect(state.state).toBe('open');
  return state;
}

describe('breaker state machine', () => {
  it('opens after the configured number of consecutive failures', () => {
    const twice = calls(initialBreakerSnapshot(), [failure, failure], 0);
    expect(twice.state).toBe('closed');
    expect(twice.consecutiveFailures).toBe(2);

    const acquired = decideAcquire(twice, policy, 10);
    const result = applyOutcome(acquired.next, policy, failure, false, 10);
    expect(result.next).toMatchObject({ state: 'open', openedAtMs: 10, openUntilMs: 5_010 });
    expect(result.next.lastError).toEqual({ code: 'HTTP_503', message: 'Service Unavailable' });
    expect(result.transition).toEqual({
      from: 'closed',
      to: 'open',
      reason: '3 consecutive failures',
      atMs: 10,
    });
  });

  it('resets the consecutive count on a success', () => {
    const state = calls(initialBreakerSnapshot(), [failure, failure, success, failure, failure], 0);
    expect(state.state).toBe('closed');
    expect(state.consecutiveFailures).toBe(2);
  });

  it('rejects calls while open and says when to come back', () => {
    const open = openedAt(1_000);
    const result = decideAcquire(open, policy, 3_000);
    expect(result.decision).toEqual({ kind: 'reject', state: 'open', retryAtMs: 6_000 });
    expect(result.transition).toBeUndefined();
  });

  it('goes half-open after the open duration and admits one probe at a time', () => {
    const open = openedAt(0);
    const first = decideAcquire(open, policy, 5_000);
    expect(first.decision).toEqual({ kind: 'proceed', probe: true });
    expect(first.transition).toMatchObject({ from: 'open', to: 'half_open', atMs: 5_000 });
    expect(first.next).toMatchObject({ state: 'half_open', probesInFlight: 1 });

    const second = decideAcquire(first.next, policy, 5_001);
    expect(second.decision).toEqual({ kind: 'reject', state: 'half_open', retryAtMs: 10_000 });
  });

  it('closes with fresh counters when the probe succeeds', () => {
    const probing = decideAcquire(openedAt(0), policy, 5_000);
    const result = applyOutcome(probing.next, policy, success, true, 5_100);
    expect(result.transition).toEqual({
      from: 'half_open',
      to: 'closed',
      reason: 'the half-open probe succeeded',
      atMs: 5_100,
    });
    expect(result.next).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
      windowCalls: 0,
      probesInFlight: 0,
      openUntilMs: null,
    });
    expect(result.next.lastError?.code).toBe('HTTP_503');
  });

  it('opens again for the full duration when the probe fails', () => {
    const probing = decideAcquire(openedAt(0), policy, 5_000);
    const result = applyOutcome(probing.next, policy, failure, true, 5_200);
    expect(result.transition).toMatchObject({
      from: 'half_open',
      to: 'open',
      reason: 'a half-open probe failed',
    });
    expect(result.next).toMatchObject({ state: 'open', openUntilMs: 10_200, probesInFlight: 0 });
  });

  it('needs every one of several probes to succeed, and admits no more than that', () => {
    const p = { ...policy, halfOpenProbes: 2 };
    const open = calls(initialBreakerSnapshot(), [failure, failure, failure], 0, p);
    const a = decideAcquire(open, p, 5_000);
    const b = decideAcquire(a.next, p, 5_000);
    expect(b.decision).toEqual({ kind: 'proceed', probe: true });
    expect(decideAcquire(b.next, p, 5_000).decision.kind).toBe('reject');

    const afterA = applyOutcome(b.next, p, success, true, 5_010);
    expect(afterA.next.state).toBe('half_open');
    expect(afterA.transition).toBeUndefined();
    // One probe succeeded and one is in flight: the budget of two is spent.
    expect(decideAcquire(afterA.next, p, 5_020).decision.kind).toBe('reject');

    const afterB = applyOutcome(afterA.next, p, success, true, 5_030);
    expect(afterB.transition?.reason).toBe('all 2 half-open probes succeeded');
    expect(afterB.next.state).toBe('closed');
  });

  it('forgets a probe that never reported after the open duration', () => {
    const probing = decideAcquire(openedAt(0), policy, 5_000);
    expect(decideAcquire(probing.next, policy, 9_999).decision.kind).toBe('reject');
    const retry = decideAcquire(probing.next, policy, 10_000);
    expect(retry.decision).toEqual({ kind: 'proceed', probe: true });
    expect(retry.next.probesInFlight).toBe(1);
  });

  it('opens on the failure rate once the window holds the minimum throughput', () => {
    // Alternating outcomes never reach 3 in a row, but 50% of 10 calls reaches the threshold.
    const nine = calls(
      initialBreakerSnapshot(),
      [failure, success, failure, success, failure, success, failure, success, success],
      0,
    );
    expect(nine).toMatchObject({ state: 'closed', windowCalls: 9, windowFailures: 4 });
    const acquired = decideAcquire(nine, policy, 100);
    const result = applyOutcome(acquired.next, policy, failure, false, 100);
    expect(result.next.state).toBe('open');
    expect(result.transition?.reason).toBe(
      'failure rate 50% (5 of 10 calls in 10000 ms) reached the threshold of 50%',
    );
  });

  it('starts a new window when the old one has elapsed', () => {
    const old = calls(initialBreakerSnapshot(), [failure, success, failure, success], 0);
    expect(old.windowCalls).toBe(4);
    const fresh = calls(old, [success], 10_000);
    expect(fresh).toMatchObject({ windowStartMs: 10_000, windowCalls: 1, windowFailures: 0 });
  });

  it('does not count throttled outcomes as failures', () => {
    const state = calls(
      initialBreakerSnapshot(),
      [failure, failure, throttled, throttled, throttled],
      0,
    );
    expect(state).toMatchObject({ state: 'closed', consecutiveFailures: 2, windowCalls: 2 });
  });

  it('frees the probe slot on a throttled probe without closing', () => {
    const probing = decideAcquire(openedAt(0), policy, 5_000);
    const result = applyOutcome(probing.next, policy, throttled, true, 5_100);
    expect(result.next).toMatchObject({ state: 'half_open', probesInFlight: 0 });
    expect(decideAcquire(result.next, policy, 5_200).decision.kind).toBe('proceed');
  });

  it('ignores late outcomes of calls admitted before the breaker opened', () => {
    const open = openedAt(0);
    expect(applyOutcome(open, policy, failure, false, 100).transition).toBeUndefined();
    expect(applyOutcome(open, policy, success, false, 100).next.state).toBe('open');
  });

  it('lets everything through and counts nothing when disabled', () => {
    const disabled = { ...policy, enabled: false };
    const open = openedAt(0);
    expect(decideAcquire(open, disabled, 1).decision).toEqual({ kind: 'proceed', probe: false });
    const state = calls(
      initialBreakerSnapshot(),
      [failure, failure, failure, failure],
      0,
      disabled,
    );
    expect(state).toEqual(initialBreakerSnapshot());
  });

  it('resets to closed as a recorded transition', () => {
    const result = resetBreaker(openedAt(0), 1_000);
    expect(result.next.state).toBe('closed');
    expect(result.transition).toEqual({
      from: 'open',
      to: 'closed',
      reason: 'manual reset',
      atMs: 1_000,
    });
  });

  it('shows an open breaker past its open duration as half-open', () => {
    const open = openedAt(0);
    expect(observeBreaker(open, policy, 4_999).state).toBe('open');
    expect(observeBreaker(open, policy, 5_000).state).toBe('half_open');
    const closed = calls(initialBreakerSnapshot(), [failure], 0);
    expect(observeBreaker(closed, policy, 10_000).windowCalls).toBe(0);
  });
});
