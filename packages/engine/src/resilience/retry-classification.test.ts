import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './policy.ts';
import { type ClassifiedError, isRetryable, NEVER_RETRIED_CODES } from './retry-classification.ts';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  ...overrides,
});
const http = (status: number): ClassifiedError => ({
  code: 'HTTP_STATUS',
  retryable: status >= 500 || status === 429,
  details: { status },
});

describe('isRetryable', () => {
  it('retries transient failures by default: network, timeouts, 5xx, 429, an open circuit', () => {
    for (const error of [
      { code: 'HTTP_NETWORK', retryable: true },
      { code: 'HTTP_TIMEOUT', retryable: true },
      { code: 'STEP_TIMEOUT', retryable: true },
      { code: 'CIRCUIT_OPEN', retryable: true },
      http(503),
      http(429),
    ]) {
      expect(isRetryable(error, policy()), error.code).toBe(true);
    }
  });

  it('does not retry other 4xx, unknown failures or config errors by default', () => {
    for (const error of [
      http(404),
      http(400),
      { code: 'NODE_FAILED', retryable: false },
      { code: 'HTTP_INVALID_URL', retryable: false },
    ]) {
      expect(isRetryable(error, policy()), error.code).toBe(false);
    }
  });

  it('retries every error with retryOn "any", except stops, bounds and config errors', () => {
    const any = policy({ retryOn: 'any' });
    expect(isRetryable(http(404), any)).toBe(true);
    expect(isRetryable({ code: 'NODE_FAILED', retryable: false }, any)).toBe(true);
    for (const code of [
      'CANCELLED',
      'RUN_TIMEOUT',
      'RATE_LIMIT_WAIT_EXCEEDED',
      'RETRIES_EXHAUSTED',
      'EXPRESSION_FAILED',
      'EGRESS_DENIED',
    ]) {
      expect(isRetryable({ code, retryable: true }, any), code).toBe(false);
    }
  });

  it('never retries an error that says it is not retryable, under any policy', () => {
    const error = { code: 'HTTP_INVALID_BODY', nonRetryable: true };
    expect(isRetryable(error, policy({ retryOn: 'any' }))).toBe(false);
    expect(isRetryable(error, policy(), () => true)).toBe(false);
  });

  it('names no protocol: HTTP_* codes are classified by the connector that raises them', () => {
    expect([...NEVER_RETRIED_CODES].filter((code) => code.startsWith('HTTP_'))).toEqual([]);
  });

  it('retries nothing with retryOn "none", whatever the node type’s classifier says', () => {
    const none = policy({ retryOn: 'none' });
    expect(isRetryable(http(503), none, () => true)).toBe(false);
    expect(isRetryable({ code: 'HTTP_NETWORK', retryable: true }, none)).toBe(false);
  });

  it('lets the node type’s classifier decide either way, and fall back to the error', () => {
    const classify = (error: ClassifiedError) =>
      error.code === 'CONFLICT' ? true : error.code === 'GONE' ? false : undefined;
    expect(isRetryable({ code: 'CONFLICT', retryable: false }, policy(), classify)).toBe(true);
    expect(isRetryable({ code: 'GONE', retryable: true }, policy(), classify)).toBe(false);
    expect(isRetryable({ code: 'OTHER', retryable: true }, policy(), classify)).toBe(true);
    expect(isRetryable({ code: 'OTHER', retryable: false }, policy(), classify)).toBe(false);
  });
});
