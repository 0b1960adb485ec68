import { describe, expect, it } from 'vitest';
import type { BreakerView } from '../api/types.ts';
import {
  describeBreakerPolicy,
  formatPercent,
  formatPeriod,
  formatRate,
  isThrottled,
  periodUsage,
  sortByUrgency,
  upstreamHref,
  windowFailureRate,
} from './upstream-format.ts';

function breaker(target: string, state: BreakerView['state']): BreakerView {
  return {
    target,
    state,
    consecutiveFailures: 0,
    windowCalls: 0,
    windowFailures: 0,
    windowStartedAt: null,
    openedAt: null,
    openUntil: null,
    probesInFlight: 0,
    lastError: null,
    lastFailureAt: null,
    policy: null,
    updatedAt: '2026-01-10T12:00:00.000Z',
  };
}

describe('sortByUrgency', () => {
  it('lists open breakers first, then half-open, then closed, by target within each', () => {
    const sorted = sortByUrgency([
      breaker('https://a.example:443', 'closed'),
      breaker('https://c.example:443', 'open'),
      breaker('https://b.example:443', 'half_open'),
      breaker('https://b.example:443', 'open'),
    ]);
    expect(sorted.map((b) => `${b.state} ${b.target}`)).toEqual([
      'open https://b.example:443',
      'open https://c.example:443',
      'half_open https://b.example:443',
      'closed https://a.example:443',
    ]);
  });
});

describe('windowFailureRate', () => {
  it('is the failed share of the window, and unknown for an empty window', () => {
    expect(windowFailureRate({ windowCalls: 5, windowFailures: 2 })).toBe(0.4);
    expect(windowFailureRate({ windowCalls: 0, windowFailures: 0 })).toBeNull();
  });

  it('formats small but non-zero rates without rounding them away', () => {
    expect(formatPercent(0.4)).toBe('40%');
    expect(formatPercent(0.004)).toBe('0.4%');
    expect(formatPercent(0)).toBe('0%');
  });
});

describe('formatRate', () => {
  it('names whole units and spells out the rest', () => {
    expect(formatRate(10, 1_000)).toBe('10 per second');
    expect(formatRate(100, 60_000)).toBe('100 per minute');
    expect(formatRate(5, 10_000)).toBe('5 per 10 s');
    expect(formatRate(3, 250)).toBe('3 per 250 ms');
    expect(formatPeriod(1_500)).toBe('1.5 s');
    expect(formatPeriod(300_000)).toBe('5 min');
  });
});

describe('periodUsage', () => {
  const usage = { callsInPeriod: 3, periodStartedAt: null, nextTokenAt: '2026-01-10T12:00:00Z' };
  it('is the share of the limit used, capped at full', () => {
    expect(periodUsage({ limit: 10, usage })).toBe(0.3);
    expect(periodUsage({ limit: 2, usage })).toBe(1);
  });

  it('is unknown for a target that was only ever throttled', () => {
    expect(periodUsage({ limit: null, usage })).toBeNull();
  });
});

describe('isThrottled', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('holds only while Retry-After lies in the future', () => {
    expect(isThrottled({ throttledUntil: '2026-01-10T12:00:30Z' }, now)).toBe(true);
    expect(isThrottled({ throttledUntil: '2026-01-10T11:59:30Z' }, now)).toBe(false);
    expect(isThrottled({ throttledUntil: null }, now)).toBe(false);
  });
});

describe('upstreamHref', () => {
  it('carries the target as an encoded query parameter', () => {
    expect(upstreamHref('https://api.example.com:443')).toBe(
      '/upstreams?target=https%3A%2F%2Fapi.example.com%3A443',
    );
  });
});

describe('describeBreakerPolicy', () => {
  const policy = {
    enabled: true,
    consecutiveFailures: 5,
    failureRateThreshold: 0.5,
    minimumThroughput: 20,
    windowMs: 30_000,
    openDurationMs: 60_000,
    halfOpenProbes: 1,
  };
  it('says when the breaker opens and how it recovers', () => {
    expect(describeBreakerPolicy(policy)).toBe(
      'Opens after 5 failures in a row, or when 50% of at least 20 calls within 30 s fail. ' +
        'Stays open for 1 min, then lets 1 probe call through.',
    );
  });

  it('says so when the breaker is disabled', () => {
    expect(describeBreakerPolicy({ ...policy, enabled: false })).toMatch(/never refused/);
  });
});
