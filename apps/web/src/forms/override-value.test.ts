import { describe, expect, it } from 'vitest';
import { valueAt, withValueAt } from './override-value.ts';

// A rate limit needs its limit and period, so `{}` there is "being filled in", not "none".
const keepsRateLimit = (path: readonly string[]) => path.join('.') === 'rateLimit';

describe('withValueAt', () => {
  it('writes only the field that was set, creating the objects on its path', () => {
    expect(withValueAt(undefined, ['retry', 'maxAttempts'], 5)).toEqual({
      retry: { maxAttempts: 5 },
    });
    expect(withValueAt({ timeoutMs: 10 }, ['retry', 'jitter'], 0)).toEqual({
      timeoutMs: 10,
      retry: { jitter: 0 },
    });
  });

  it('removes a cleared field, then every object it leaves empty, down to no policy at all', () => {
    const policy = { retry: { maxAttempts: 5 }, timeoutMs: 10 };
    const withoutRetry = withValueAt(policy, ['retry', 'maxAttempts'], undefined);
    expect(withoutRetry).toEqual({ timeoutMs: 10 });
    expect(withValueAt(withoutRetry, ['timeoutMs'], undefined)).toBeUndefined();
  });

  it('keeps an empty object where `{}` means something, and removes it only when asked', () => {
    const added = withValueAt(undefined, ['rateLimit'], {}, keepsRateLimit);
    expect(added).toEqual({ rateLimit: {} });
    const filled = withValueAt(added, ['rateLimit', 'limit'], 10, keepsRateLimit);
    expect(filled).toEqual({ rateLimit: { limit: 10 } });
    expect(withValueAt(filled, ['rateLimit', 'limit'], undefined, keepsRateLimit)).toEqual({
      rateLimit: {},
    });
    expect(withValueAt(filled, ['rateLimit'], undefined, keepsRateLimit)).toBeUndefined();
  });

  it('leaves untouched branches, their key order and the input itself as they were', () => {
    const policy = { target: 'a', retry: { jitter: 0.1, maxAttempts: 2 }, breaker: {} };
    const before = JSON.stringify(policy);
    const next = withValueAt(policy, ['retry', 'maxAttempts'], 4);
    expect(JSON.stringify(next)).toBe(
      '{"target":"a","retry":{"jitter":0.1,"maxAttempts":4},"breaker":{}}',
    );
    expect(next?.breaker).toBe(policy.breaker);
    expect(JSON.stringify(policy)).toBe(before);
  });

  it('clearing a field that was never set changes nothing', () => {
    expect(withValueAt(undefined, ['retry', 'maxAttempts'], undefined)).toBeUndefined();
  });

  it('replaces a value that is not an object when a field inside it is set', () => {
    expect(withValueAt({ retry: 3 }, ['retry', 'maxAttempts'], 2)).toEqual({
      retry: { maxAttempts: 2 },
    });
  });
});

describe('valueAt', () => {
  it('reads nested values and is undefined past a missing or non-object step', () => {
    const policy = { retry: { maxAttempts: 5 }, timeoutMs: 10 };
    expect(valueAt(policy, ['retry', 'maxAttempts'])).toBe(5);
    expect(valueAt(policy, ['breaker', 'enabled'])).toBeUndefined();
    expect(valueAt(policy, ['timeoutMs', 'x'])).toBeUndefined();
    expect(valueAt(undefined, ['retry'])).toBeUndefined();
  });
});
