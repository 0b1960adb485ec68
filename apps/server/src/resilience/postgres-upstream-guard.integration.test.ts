import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BreakerPolicy,
  DEFAULT_BREAKER_POLICY,
  type GuardDecision,
  type UpstreamCall,
  type UpstreamOutcome,
  type UpstreamPermit,
} from '@patchbay/engine';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../db/pg-pool.ts';
import { createPrismaClient, type PrismaClient } from '../db/prisma-client.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.ts';
import { PostgresUpstreamGuard } from './postgres-upstream-guard.ts';

let database: TestDatabase;
let prisma: PrismaClient;
let pool: pg.Pool;
let guard: PostgresUpstreamGuard;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  pool = createPgPool(database.url, pino({ level: 'silent' }));
  guard = new PostgresUpstreamGuard({ pool });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await database?.drop();
});

const OPEN_MS = 300;
const breaker: BreakerPolicy = {
  ...DEFAULT_BREAKER_POLICY,
  consecutiveFailures: 3,
  minimumThroughput: 1_000,
  openDurationMs: OPEN_MS,
};
const failure: UpstreamOutcome = {
  kind: 'failure',
  error: { code: 'HTTP_503', message: 'Service Unavailable' },
};
const success: UpstreamOutcome = { kind: 'success' };

let targets = 0;
function callTo(overrides: Partial<UpstreamCall> = {}): UpstreamCall {
  targets += 1;
  return {
    target: `http://127.0.0.1:9/${targets}`,
    runId: 'run-1',
    nodeId: 'fetch',
    breaker,
    rateLimit: undefined,
    ...overrides,
  };
}

function permitOf(decision: GuardDecision): UpstreamPermit {
  if (decision.kind !== 'proceed')
    throw new Error(`expected proceed, got ${JSON.stringify(decision)}`);
  return decision.permit;
}

async function callOnce(call: UpstreamCall, outcome: UpstreamOutcome): Promise<UpstreamPermit> {
  const permit = permitOf(await guard.acquire(call));
  await guard.release(call, permit, outcome);
  return permit;
}

async function breakerRow(target: string) {
  return prisma.circuitBreaker.findUniqueOrThrow({ where: { target } });
}

async function transitions(target: string) {
  const rows = await prisma.breakerTransition.findMany({
    where: { target },
    orderBy: { at: 'asc' },
  });
  return rows.map((row) => `${row.fromState}->${row.toState}: ${row.reason}`);
}

/** Opens the call's breaker with consecutive failures; returns when it opened (DB time). */
async function openBreaker(call: UpstreamCall): Promise<Date> {
  for (let i = 0; i < call.breaker.consecutiveFailures; i++) await callOnce(call, failure);
  const row = await breakerRow(call.target);
  expect(row.state).toBe('open');
  if (!row.openedAt) throw new Error('an open breaker has opened_at');
  return row.openedAt;
}

describe('PostgresUpstreamGuard circuit breaker', () => {
  it('opens after N consecutive failures and then fails fast', async () => {
    const call = callTo();
    await callOnce(call, failure);
    await callOnce(call, failure);
    expect((await breakerRow(call.target)).state).toBe('closed');
    await callOnce(call, failure);

    const row = await breakerRow(call.target);
    expect(row).toMatchObject({ state: 'open', consecutiveFailures: 3, windowFailures: 3 });
    expect(row.lastError).toEqual({ code: 'HTTP_503', message: 'Service Unavailable' });
    expect(row.openUntil?.getTime()).toBe((row.openedAt?.getTime() ?? 0) + OPEN_MS);

    const decision = await guard.acquire(call);
    expect(decision).toEqual({ kind: 'open', retryAt: row.openUntil, state: 'open' });
    expect(await transitions(call.target)).toEqual(['closed->open: 3 consecutive failures']);
  });

  it('lets one probe through after the open duration and closes when it succeeds', async () => {
    const call = callTo();
    await openBreaker(call);
    await sleep(OPEN_MS + 50);

    const probe = permitOf(await guard.acquire(call));
    expect(probe).toEqual({ target: call.target, probe: true });
    expect(await guard.acquire(call)).toMatchObject({ kind: 'open', state: 'half_open' });
    expect((await breakerRow(call.target)).probesInFlight).toBe(1);

    await guard.release(call, probe, success);
    expect(await breakerRow(call.target)).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
      windowCalls: 0,
      probesInFlight: 0,
    });
    expect(await transitions(call.target)).toEqual([
      'closed->open: 3 consecutive failures',
      `open->half_open: open duration of ${OPEN_MS} ms elapsed; letting probe calls through`,
      'half_open->closed: the half-open probe succeeded',
    ]);
    expect(permitOf(await guard.acquire(call)).probe).toBe(false);
  });

  it('opens again for the full duration when the probe fails', async () => {
    const call = callTo();
    const firstOpenedAt = await openBreaker(call);
    await sleep(OPEN_MS + 50);

    await callOnce(call, failure);
    const row = await breakerRow(call.target);
    expect(row.state).toBe('open');
    expect(row.openedAt!.getTime()).toBeGreaterThan(firstOpenedAt.getTime() + OPEN_MS);
    expect(row.openUntil!.getTime()).toBe(row.openedAt!.getTime() + OPEN_MS);
    expect((await transitions(call.target)).at(-1)).toBe(
      'half_open->open: a half-open probe failed',
    );
    expect((await guard.acquire(call)).kind).toBe('open');
  });

  it('admits no more than halfOpenProbes probes among concurrent callers', async () => {
    const call = callTo({ breaker: { ...breaker, halfOpenProbes: 2 } });
    await openBreaker(call);
    await sleep(OPEN_MS + 50);

    const decisions = await Promise.all(Array.from({ length: 12 }, () => guard.acquire(call)));
    const probes = decisions.filter((d) => d.kind === 'proceed');
    expect(probes).toHaveLength(2);
    expect(decisions.filter((d) => d.kind === 'open')).toHaveLength(10);
    expect((await breakerRow(call.target)).probesInFlight).toBe(2);
  });

  it('forgets a probe whose worker died once the open duration has passed again', async () => {
    const call = callTo();
    await openBreaker(call);
    await sleep(OPEN_MS + 50);
    permitOf(await guard.acquire(call)); // never released: its process "died"
    expect((await guard.acquire(call)).kind).toBe('open');

    await sleep(OPEN_MS + 50);
    const retry = permitOf(await guard.acquire(call));
    expect(retry.probe).toBe(true);
    await guard.release(call, retry, success);
    expect((await breakerRow(call.target)).state).toBe('closed');
  });

  it('opens on the failure rate once the window holds the minimum throughput', async () => {
    const call = callTo({
      breaker: {
        ...breaker,
        consecutiveFailures: 100,
        minimumThroughput: 6,
        failureRateThreshold: 0.5,
        windowMs: 60_000,
      },
    });
    for (const outcome of [failure, success, failure, success, success]) {
      await callOnce(call, outcome);
    }
    expect(await breakerRow(call.target)).toMatchObject({
      state: 'closed',
      windowCalls: 5,
      windowFailures: 2,
    });
    await callOnce(call, failure);
    expect((await breakerRow(call.target)).state).toBe('open');
    expect(await transitions(call.target)).toEqual([
      'closed->open: failure rate 50% (3 of 6 calls in 60000 ms) reached the threshold of 50%',
    ]);
  });

  it('does not count throttled outcomes against the breaker but holds every caller back', async () => {
    const call = callTo();
    await callOnce(call, failure);
    await callOnce(call, failure);
    await callOnce(call, { kind: 'throttled', retryAfterMs: 400 });
    expect(await breakerRow(call.target)).toMatchObject({
      state: 'closed',
      consecutiveFailures: 2,
    });

    const other = { ...call, nodeId: 'another-node', runId: 'run-2' };
    const waiting = await guard.acquire(other);
    expect(waiting).toMatchObject({ kind: 'wait', reason: 'throttled' });
    if (waiting.kind !== 'wait') throw new Error('unreachable');
    expect(waiting.waitMs).toBeGreaterThan(100);
    expect(waiting.waitMs).toBeLessThanOrEqual(400);

    await sleep(waiting.waitMs + 20);
    expect((await guard.acquire(other)).kind).toBe('proceed');
  });
});

describe('PostgresUpstreamGuard rate limit', () => {
  it('lets the burst through, then makes callers wait for the next token', async () => {
    // One token per 20 s, three at once after a quiet spell.
    const call = callTo({ rateLimit: { limit: 3, periodMs: 60_000, burst: 3, maxWaitMs: 0 } });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await guard.acquire(call));
    expect(decisions.map((d) => d.kind)).toEqual(['proceed', 'proceed', 'proceed', 'wait']);
    const wait = decisions[3];
    if (wait?.kind !== 'wait') throw new Error('unreachable');
    expect(wait.reason).toBe('rate_limited');
    expect(wait.waitMs).toBeGreaterThan(15_000);
    expect(wait.waitMs).toBeLessThanOrEqual(20_000);

    const row = await prisma.rateLimit.findUniqueOrThrow({ where: { target: call.target } });
    expect(row).toMatchObject({ limit: 3, periodMs: 60_000, burst: 3, periodCalls: 3 });
  });

  it('hands out exactly the burst to concurrent callers in one process', async () => {
    const call = callTo({ rateLimit: { limit: 1, periodMs: 60_000, burst: 5, maxWaitMs: 0 } });
    const decisions = await Promise.all(Array.from({ length: 20 }, () => guard.acquire(call)));
    expect(decisions.filter((d) => d.kind === 'proceed')).toHaveLength(5);
  });

  it('does not take a probe slot while waiting for a token', async () => {
    const call = callTo({ rateLimit: { limit: 1, periodMs: 2_000, burst: 1, maxWaitMs: 0 } });
    const failFast = { ...call, breaker: { ...breaker, consecutiveFailures: 1 } };
    await callOnce(failFast, failure);
    await sleep(OPEN_MS + 50);
    // The breaker is due for a probe, but the next token is ~1.6 s away.
    expect(await guard.acquire(failFast)).toMatchObject({ kind: 'wait', reason: 'rate_limited' });
    expect(await breakerRow(call.target)).toMatchObject({ state: 'open', probesInFlight: 0 });
  });
});
