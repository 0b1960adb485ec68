import { DEFAULT_BREAKER_POLICY, type UpstreamCall, type UpstreamOutcome } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { trpcErrorCode } from '../test-support/trpc-failure.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t?.close();
});

const failure: UpstreamOutcome = {
  kind: 'failure',
  error: { code: 'HTTP_502', message: 'Bad Gateway', retryable: true },
};

function callTo(target: string, overrides: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    target,
    runId: 'run-1',
    nodeId: 'fetch',
    breaker: { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 2, openDurationMs: 60_000 },
    rateLimit: undefined,
    ...overrides,
  };
}

async function callOnce(call: UpstreamCall, outcome: UpstreamOutcome): Promise<void> {
  const guard = t.services.upstreamGuard;
  const decision = await guard.acquire(call);
  if (decision.kind !== 'proceed') throw new Error(`expected proceed, got ${decision.kind}`);
  await guard.release(call, decision.permit, outcome);
}

describe('breakers.*', () => {
  const target = 'https://breakers.example.test:443';

  it('lists every target with its state, counters, open_until and last error', async () => {
    const call = callTo(target);
    await callOnce(call, failure);
    await callOnce(call, failure);
    await callOnce(callTo('https://healthy.example.test:443'), { kind: 'success' });

    const list = await t.client.breakers.list.query();
    expect(list.map((b) => b.target)).toEqual([
      'https://breakers.example.test:443',
      'https://healthy.example.test:443',
    ]);
    const open = list[0];
    expect(open).toMatchObject({
      target,
      state: 'open',
      consecutiveFailures: 2,
      windowCalls: 2,
      windowFailures: 2,
      probesInFlight: 0,
      lastError: failure.kind === 'failure' ? failure.error : null,
      policy: call.breaker,
    });
    expect(Date.parse(open?.openUntil ?? '') - Date.parse(open?.openedAt ?? '')).toBe(60_000);
    expect(list[1]).toMatchObject({ state: 'closed', consecutiveFailures: 0, lastError: null });
  });

  it('gets one breaker with its recent transitions', async () => {
    const detail = await t.client.breakers.get.query({ target });
    expect(detail.state).toBe('open');
    expect(detail.transitions).toEqual([
      {
        id: expect.any(String),
        from: 'closed',
        to: 'open',
        reason: '2 consecutive failures',
        at: detail.openedAt,
      },
    ]);
  });

  it('resets a breaker by hand, recorded as a transition, and lets calls through again', async () => {
    expect((await t.services.upstreamGuard.acquire(callTo(target))).kind).toBe('open');

    const reset = await t.client.breakers.reset.mutate({ target });
    expect(reset).toMatchObject({ state: 'closed', consecutiveFailures: 0, windowCalls: 0 });
    expect(reset.lastError?.code).toBe('HTTP_502');
    expect(reset.transitions.map((x) => `${x.from}->${x.to}: ${x.reason}`)).toEqual([
      'open->closed: manual reset',
      'closed->open: 2 consecutive failures',
    ]);
    expect((await t.services.upstreamGuard.acquire(callTo(target))).kind).toBe('proceed');
  });

  it('answers NOT_FOUND for a target no call has gone to', async () => {
    const unknown = { target: 'https://never.example.test:443' };
    expect(await trpcErrorCode(t.client.breakers.get.query(unknown))).toBe('NOT_FOUND');
    expect(await trpcErrorCode(t.client.breakers.reset.mutate(unknown))).toBe('NOT_FOUND');
    await expect(t.caller.breakers.get(unknown)).rejects.toThrow(
      /Circuit breaker "https:\/\/never.example.test:443" was not found/,
    );
  });

  it('rejects an empty target with BAD_REQUEST', async () => {
    expect(await trpcErrorCode(t.client.breakers.get.query({ target: '  ' }))).toBe('BAD_REQUEST');
  });
});

describe('limits.*', () => {
  const target = 'https://limits.example.test:443';

  it('shows the configured limit, the usage in the current period and the next free token', async () => {
    const call = callTo(target, {
      rateLimit: { limit: 2, periodMs: 60_000, burst: 2, maxWaitMs: 0 },
    });
    await callOnce(call, { kind: 'success' });
    await callOnce(call, { kind: 'success' });
    expect((await t.services.upstreamGuard.acquire(call)).kind).toBe('wait');

    const view = await t.client.limits.get.query({ target });
    expect(view).toMatchObject({
      target,
      limit: 2,
      periodMs: 60_000,
      burst: 2,
      throttledUntil: null,
      usage: { callsInPeriod: 2 },
    });
    // Two tokens spent at once: the next one frees 30 s (periodMs / limit) after the first call.
    const nextInMs = Date.parse(view.usage.nextTokenAt) - Date.now();
    expect(nextInMs).toBeGreaterThan(25_000);
    expect(nextInMs).toBeLessThanOrEqual(30_000);
    expect((await t.client.limits.list.query()).map((l) => l.target)).toEqual([target]);
  });

  it('shows a 429 throttle on a target without a configured limit', async () => {
    const throttledTarget = 'https://throttled.example.test:443';
    await callOnce(callTo(throttledTarget), { kind: 'throttled', retryAfterMs: 120_000 });
    const view = await t.client.limits.get.query({ target: throttledTarget });
    expect(view).toMatchObject({ limit: null, periodMs: null, burst: null });
    expect(Date.parse(view.throttledUntil ?? '') - Date.now()).toBeGreaterThan(100_000);
    expect(view.usage.nextTokenAt).toBe(view.throttledUntil);
  });

  it('answers NOT_FOUND for a target without a limit or throttle', async () => {
    // The breaker test above created breaker rows for this target, but no limit.
    expect(
      await trpcErrorCode(
        t.client.limits.get.query({ target: 'https://breakers.example.test:443' }),
      ),
    ).toBe('NOT_FOUND');
  });
});
