import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './policy.ts';
import { type ClassifiedError, isRetryable } from './retry-classification.ts';

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
      'HTTP_INVALID_BODY',
      'EXPRESSION_FAILED',
      'EGRESS_DENIED',
    ]) {
      expect(isRetryable({ code, retryable: true }, any), code).toBe(false);
    }
  });

  it('retries nothing with retryOn "none"', () => {
    const none = policy({ retryOn: 'none', retryHttpStatuses: [503] });
    expect(isRetryable(http(503), none)).toBe(false);
    expect(isRetryable({ code: 'HTTP_NETWORK', retryable: true }, none)).toBe(false);
  });

  it('lets listed HTTP statuses override the rules either way', () => {
    const custom = policy({ retryHttpStatuses: [409], noRetryHttpStatuses: [501] });
    expect(isRetryable(http(409), custom)).toBe(true);
    expect(isRetryable(http(501), custom)).toBe(false);
    expect(isRetryable(http(501), { ...custom, retryOn: 'any' })).toBe(false);
    expect(isRetryable(http(502), custom)).toBe(true);
  });

  it('reads HTTP statuses only from HTTP_STATUS errors', () => {
    const error = { code: 'NODE_FAILED', retryable: false, details: { status: 409 } };
    expect(isRetryable(error, policy({ retryHttpStatuses: [409] }))).toBe(false);
  });
});
