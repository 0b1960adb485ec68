import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RUN_TIMEOUT_MS,
  flowSettingsSchema,
  nodePolicySchema,
  resolveFlowSettings,
  resolveNodePolicy,
} from './policy.ts';

describe('resolveNodePolicy', () => {
  it('takes document values over connector defaults over Patchbay defaults', () => {
    const resolved = resolveNodePolicy(
      { retry: { maxAttempts: 5 }, breaker: { enabled: false } },
      { retry: { maxAttempts: 1, initialDelayMs: 10 }, timeoutMs: 5_000 },
    );
    expect(resolved.retry).toMatchObject({ maxAttempts: 5, initialDelayMs: 10, jitter: 0.2 });
    expect(resolved.timeoutMs).toBe(5_000);
    expect(resolved.breaker).toMatchObject({ enabled: false, consecutiveFailures: 5 });
    expect(resolved.rateLimit).toBeUndefined();
  });

  it('gives expressions 2 s each unless the node sets less, or more up to 30 s', () => {
    expect(resolveNodePolicy(undefined, undefined).expressionTimeoutMs).toBe(2_000);
    expect(resolveNodePolicy({ expressionTimeoutMs: 50 }, undefined).expressionTimeoutMs).toBe(50);
    expect(nodePolicySchema.safeParse({ expressionTimeoutMs: 30_000 }).success).toBe(true);
    expect(
      nodePolicySchema.safeParse({ expressionTimeoutMs: 30_001 }).error?.issues[0]?.message,
    ).toBe('Expression timeout must be at most 30000 ms');
    expect(nodePolicySchema.safeParse({ expressionTimeoutMs: 0 }).error?.issues[0]?.message).toBe(
      'Expression timeout must be at least 1 ms',
    );
  });
});

describe('resolveFlowSettings', () => {
  it('has no concurrency limit, no queue cap, no run limit and a 24 h run timeout unless the flow sets them', () => {
    expect(resolveFlowSettings(undefined)).toEqual({
      maxConcurrentRuns: undefined,
      maxQueuedRuns: undefined,
      runTimeoutMs: DEFAULT_RUN_TIMEOUT_MS,
      maxRunsKept: undefined,
    });
    expect(
      resolveFlowSettings({
        maxConcurrentRuns: 2,
        maxQueuedRuns: 50,
        runTimeoutMs: 60_000,
        maxRunsKept: 1_000,
      }),
    ).toEqual({
      maxConcurrentRuns: 2,
      maxQueuedRuns: 50,
      runTimeoutMs: 60_000,
      maxRunsKept: 1_000,
    });
  });

  it('refuses a max runs kept that is not a whole number of at least 1', () => {
    const messages = (settings: unknown) =>
      flowSettingsSchema.safeParse(settings).error?.issues.map((issue) => issue.message);
    expect(messages({ maxRunsKept: 0 })).toEqual(['Max runs kept must be at least 1']);
    expect(messages({ maxRunsKept: 2.5 })).toEqual(['Max runs kept must be a whole number']);
    expect(messages({ maxRunsKept: 'ten' })).toEqual(['Max runs kept must be a number']);
  });
});

describe('nodePolicySchema messages', () => {
  const messages = (policy: unknown) =>
    nodePolicySchema.safeParse(policy).error?.issues.map((issue) => issue.message);

  it('says a missing rate-limit field is required, and a wrong one what it must be', () => {
    expect(messages({ rateLimit: {} })).toEqual(['Limit is required', 'Period is required']);
    expect(messages({ rateLimit: { limit: 'x', periodMs: '1s' } })).toEqual([
      'Limit must be a number',
      'Period must be a number of milliseconds',
    ]);
  });
});
