import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './policy.ts';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  initialDelayMs: 1_000,
  backoffFactor: 2,
  maxDelayMs: 10_000,
  jitter: 0.2,
  ...overrides,
});
const middle = () => 0.5;

describe('retryDelayMs', () => {
  it('grows by the backoff factor per failed attempt, without jitter at the midpoint', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy(), attempt, middle))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('caps the delay at maxDelayMs', () => {
    expect(retryDelayMs(policy(), 5, middle)).toBe(10_000);
    expect(retryDelayMs(policy(), 40, middle)).toBe(10_000);
  });

  it('spreads the delay by ±jitter and rounds it', () => {
    expect(retryDelayMs(policy(), 1, () => 0)).toBe(800);
    expect(retryDelayMs(policy(), 1, () => 0.999_999)).toBe(1_200);
    expect(retryDelayMs(policy({ initialDelayMs: 333 }), 1, () => 0.3)).toBe(306);
  });

  it('never jitters above maxDelayMs or below zero', () => {
    expect(retryDelayMs(policy(), 5, () => 0.999_999)).toBe(10_000);
    expect(retryDelayMs(policy({ jitter: 1 }), 1, () => 0)).toBe(0);
  });

  it('waits at least the upstream’s Retry-After, even beyond maxDelayMs', () => {
    expect(retryDelayMs(policy(), 1, middle, 300)).toBe(1_000);
    expect(retryDelayMs(policy(), 1, middle, 7_000)).toBe(7_000);
    expect(retryDelayMs(policy(), 1, middle, 60_000)).toBe(60_000);
  });
});
