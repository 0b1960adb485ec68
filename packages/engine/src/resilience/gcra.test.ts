import { describe, expect, it } from 'vitest';
import {
  callsInCurrentPeriod,
  decideRate,
  initialRateLimitSnapshot,
  nextAllowedAtMs,
  type RateLimitShape,
  type RateLimitSnapshot,
  throttleUntil,
} from './gcra.ts';

/** Tries one call every `stepMs` from 0 to `untilMs` inclusive; returns the allowed times. */
function allowedTimes(policy: RateLimitShape, stepMs: number, untilMs: number): number[] {
  let state = initialRateLimitSnapshot();
  const allowed: number[] = [];
  for (let now = 0; now <= untilMs; now += stepMs) {
    const decision = decideRate(state, policy, now);
    if (decision.kind === 'allow') {
      state = decision.next;
      allowed.push(now);
    }
  }
  return allowed;
}

describe('GCRA rate limit', () => {
  it('spaces calls evenly when burst is 1', () => {
    const policy = { limit: 10, periodMs: 1_000, burst: 1 };
    expect(allowedTimes(policy, 25, 1_000)).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000,
    ]);
  });

  it('says how long to wait for the next token', () => {
    const policy = { limit: 10, periodMs: 1_000, burst: 1 };
    const first = decideRate(initialRateLimitSnapshot(), policy, 0);
    if (first.kind !== 'allow') throw new Error('first call must be allowed');
    expect(first.next.tatMs).toBe(100);
    expect(decideRate(first.next, policy, 30)).toEqual({
      kind: 'wait',
      waitMs: 70,
      reason: 'rate_limited',
    });
  });

  it('lets a burst through at once after a quiet spell, then the steady rate', () => {
    const policy = { limit: 10, periodMs: 1_000, burst: 3 };
    let state = initialRateLimitSnapshot();
    const decisions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = decideRate(state, policy, 0);
      decisions.push(decision.kind);
      if (decision.kind === 'allow') state = decision.next;
    }
    expect(decisions).toEqual(['allow', 'allow', 'allow', 'wait']);
    expect(decideRate(state, policy, 100).kind).toBe('allow');
  });

  it('never allows more than limit * periods + burst over a long run', () => {
    const policy = { limit: 50, periodMs: 1_000, burst: 5 };
    expect(allowedTimes(policy, 1, 10_000).length).toBeLessThanOrEqual(50 * 10 + 5);
    expect(allowedTimes(policy, 1, 10_000).length).toBeGreaterThanOrEqual(50 * 10);
  });

  it('holds every call back until a throttle ends, with or without a policy', () => {
    const throttled = throttleUntil(initialRateLimitSnapshot(), 2_000, 1_000);
    expect(decideRate(throttled, undefined, 1_500)).toEqual({
      kind: 'wait',
      waitMs: 1_500,
      reason: 'throttled',
    });
    expect(decideRate(throttled, { limit: 1, periodMs: 1, burst: 1 }, 2_999).kind).toBe('wait');
    expect(decideRate(throttled, undefined, 3_000).kind).toBe('allow');
  });

  it('never shortens a throttle already in place', () => {
    const long = throttleUntil(initialRateLimitSnapshot(), 10_000, 0);
    expect(throttleUntil(long, 1_000, 100).throttledUntilMs).toBe(10_000);
    expect(throttleUntil(long, 20_000, 100).throttledUntilMs).toBe(20_100);
  });

  it('reports the next free token and the calls in the current period', () => {
    const policy = { limit: 4, periodMs: 1_000, burst: 1 };
    let state: RateLimitSnapshot = initialRateLimitSnapshot();
    for (const now of [0, 250, 500]) {
      const decision = decideRate(state, policy, now);
      if (decision.kind !== 'allow') throw new Error(`call at ${now} must be allowed`);
      state = decision.next;
    }
    expect(nextAllowedAtMs(state, policy, 600)).toBe(750);
    expect(nextAllowedAtMs(state, policy, 800)).toBe(800);
    expect(callsInCurrentPeriod(state, policy, 900)).toBe(3);
    expect(callsInCurrentPeriod(state, policy, 1_000)).toBe(0);
    expect(nextAllowedAtMs(throttleUntil(state, 5_000, 600), policy, 600)).toBe(5_600);
  });
});
