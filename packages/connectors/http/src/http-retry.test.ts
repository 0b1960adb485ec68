import { DEFAULT_RETRY_POLICY, isRetryable, type ResolvedRetryPolicy } from '@patchbay/engine';
import { describe, expect, it } from 'vitest';
import { httpRetryOptions } from './http-retry.ts';

const policy = (overrides: Record<string, unknown> = {}): ResolvedRetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  ...httpRetryOptions.defaults,
  ...overrides,
});
const http = (status: number) => ({
  code: 'HTTP_STATUS',
  retryable: status >= 500 || status === 429,
  details: { status },
});
const retried = (error: ReturnType<typeof http>, retry: ResolvedRetryPolicy) =>
  isRetryable(error, retry, httpRetryOptions.classify);

describe('HTTP retry classification', () => {
  it('retries 5xx and 429 and nothing else by default', () => {
    expect([500, 502, 503, 429].map((status) => retried(http(status), policy()))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([400, 404, 409].map((status) => retried(http(status), policy()))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('lets listed HTTP statuses override the rules either way', () => {
    const custom = policy({ retryHttpStatuses: [409], noRetryHttpStatuses: [501] });
    expect(retried(http(409), custom)).toBe(true);
    expect(retried(http(501), custom)).toBe(false);
    expect(retried(http(501), { ...custom, retryOn: 'any' })).toBe(false);
    expect(retried(http(502), custom)).toBe(true);
  });

  it('reads HTTP statuses only from HTTP_STATUS errors', () => {
    const error = { code: 'NODE_FAILED', retryable: false, details: { status: 409 } };
    expect(
      isRetryable(error, policy({ retryHttpStatuses: [409] }), httpRetryOptions.classify),
    ).toBe(false);
  });

  it('never retries under retryOn "none", even a listed status', () => {
    expect(retried(http(503), policy({ retryOn: 'none', retryHttpStatuses: [503] }))).toBe(false);
  });
});
