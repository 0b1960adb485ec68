import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../fake-clock.ts';
import { createInMemoryUpstreamGuard } from './in-memory-guard.ts';
import { DEFAULT_BREAKER_POLICY } from './policy.ts';
import type { GuardDecision, UpstreamCall, UpstreamPermit } from './upstream-guard.ts';

const call: UpstreamCall = {
  target: 'https://api.example.com:443',
  runId: 'run-1',
  nodeId: 'fetch',
  breaker: { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 2, openDurationMs: 1_000 },
  rateLimit: undefined,
};
const failure = { kind: 'failure', error: { code: 'HTTP_500', message: 'boom' } } as const;

function permitOf(decision: GuardDecision): UpstreamPermit {
  if (decision.kind !== 'proceed') throw new Error(`expected proceed, got ${decision.kind}`);
  return decision.permit;
}

describe('createInMemoryUpstreamGuard', () => {
  it('opens the breaker after repeated failures and reopens it through a probe', async () => {
    const clock = createFakeClock(new Date('2025-01-01T00:00:00.000Z'));
    const guard = createInMemoryUpstreamGuard({ clock });
    for (let i = 0; i < 2; i++) {
      await guard.release(call, permitOf(await guard.acquire(call)), failure);
    }
    expect(await guard.acquire(call)).toEqual({
      kind: 'open',
      retryAt: new Date('2025-01-01T00:00:01.000Z'),
      state: 'open',
    });

    clock.advance(1_000);
    const probe = permitOf(await guard.acquire(call));
    expect(probe).toEqual({ target: call.target, probe: true });
    await guard.release(call, probe, { kind: 'success' });

    const state = guard.inspect(call.target);
    expect(state.breaker.state).toBe('closed');
    expect(state.transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'closed->open',
      'open->half_open',
      'half_open->closed',
    ]);
  });

  it('waits for a rate-limit token without spending a probe slot', async () => {
    const clock = createFakeClock();
    const guard = createInMemoryUpstreamGuard({ clock });
    const limited = { ...call, rateLimit: { limit: 1, periodMs: 2_000, burst: 1, maxWaitMs: 0 } };
    await guard.release(limited, permitOf(await guard.acquire(limited)), failure);
    clock.advance(2_000);
    await guard.release(limited, permitOf(await guard.acquire(limited)), failure);
    expect(guard.inspect(call.target).breaker.state).toBe('open');

    // The breaker is due for a probe at 3 s, but the next token is only free at 4 s.
    clock.advance(1_000);
    expect(await guard.acquire(limited)).toEqual({
      kind: 'wait',
      waitMs: 1_000,
      reason: 'rate_limited',
    });
    expect(guard.inspect(call.target).breaker).toMatchObject({ state: 'open', probesInFlight: 0 });

    clock.advance(1_000);
    const probe = permitOf(await guard.acquire(limited));
    expect(probe.probe).toBe(true);
  });

  it('holds every caller back after a 429 and frees the probe slot', async () => {
    const clock = createFakeClock();
    const guard = createInMemoryUpstreamGuard({ clock });
    for (let i = 0; i < 2; i++) {
      await guard.release(call, permitOf(await guard.acquire(call)), failure);
    }
    clock.advance(1_000);
    const probe = permitOf(await guard.acquire(call));
    await guard.release(call, probe, { kind: 'throttled', retryAfterMs: 5_000 });
    expect(await guard.acquire(call)).toEqual({ kind: 'wait', waitMs: 5_000, reason: 'throttled' });
    expect(guard.inspect(call.target).breaker).toMatchObject({
      state: 'half_open',
      probesInFlight: 0,
    });
    clock.advance(5_000);
    expect(permitOf(await guard.acquire(call)).probe).toBe(true);
  });

  it('resets a breaker by hand', async () => {
    const clock = createFakeClock();
    const guard = createInMemoryUpstreamGuard({ clock });
    for (let i = 0; i < 2; i++) {
      await guard.release(call, permitOf(await guard.acquire(call)), failure);
    }
    guard.reset(call.target);
    expect(guard.inspect(call.target).transitions.at(-1)?.reason).toBe('manual reset');
    expect((await guard.acquire(call)).kind).toBe('proceed');
  });
});
