import { describe, expect, it } from 'vitest';
import type { StepRun } from '../api/types.ts';
import { stepRun } from '../test-support/step-run-fixture.ts';
import { upstreamTargetOf, upstreamTargetsOf } from './step-upstream.ts';

const circuitOpen = (target: string) => ({
  code: 'CIRCUIT_OPEN',
  message: `The circuit breaker for ${target} is open; the call was not made.`,
  details: { target, retryAt: '2026-01-10T12:00:30.000Z', state: 'open' },
});

function attempt(attemptNo: number, error: StepRun['error']): StepRun {
  return stepRun({ nodeId: 'call', status: 'failed', attempt: attemptNo, error });
}

describe('upstreamTargetOf', () => {
  it('reads the target a circuit-open or rate-limit error names', () => {
    expect(upstreamTargetOf(circuitOpen('https://api.example.com:443'))).toBe(
      'https://api.example.com:443',
    );
    expect(
      upstreamTargetOf({
        code: 'RATE_LIMIT_WAIT_EXCEEDED',
        message: 'Waited too long',
        details: { target: 'stripe:acct_42', waitedMs: 10, maxWaitMs: 5 },
      }),
    ).toBe('stripe:acct_42');
  });

  it('finds none in errors without a target', () => {
    expect(upstreamTargetOf(null)).toBeNull();
    expect(
      upstreamTargetOf({ code: 'HTTP_STATUS', message: '503', details: { status: 503 } }),
    ).toBe(null);
    expect(upstreamTargetOf({ code: 'X', message: 'x', details: { target: 42 } })).toBeNull();
  });
});

describe('upstreamTargetsOf', () => {
  it('lists each target once, the latest attempt first', () => {
    const attempts = [
      attempt(1, circuitOpen('https://a.example:443')),
      attempt(2, { code: 'HTTP_STATUS', message: '503' }),
      attempt(3, circuitOpen('https://b.example:443')),
      attempt(4, circuitOpen('https://a.example:443')),
    ];
    expect(upstreamTargetsOf(attempts)).toEqual(['https://a.example:443', 'https://b.example:443']);
  });
});
