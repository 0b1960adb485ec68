/** stats.nodes, stats.flows and stats.activity on seeded runs and steps: exact figures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { trpcFailure } from '../test-support/trpc-failure.ts';
import { bucketOf, estimateQuantile, HISTOGRAM_BUCKETS } from './duration-histogram.ts';

let t: TestApp;
let orders: { id: string };
let billing: { id: string };

const at = (time: string) => new Date(`2026-11-10T${time}Z`);
const range = { from: '2026-11-10T10:00:00Z', to: '2026-11-10T10:05:00Z' };

function quantile(durations: number[], q: number): number | null {
  const counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const duration of durations) counts[bucketOf(duration)]! += 1;
  return estimateQuantile(counts, q);
}

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  const fetchNode = { ...httpNode('fetch', 'https://orders.test/api'), label: 'Fetch order' };
  orders = await t.client.flows.create.mutate({
    name: 'Orders',
    document: chainFlow('Orders', [fetchNode, transformNode('save', '{}')]),
  });
  billing = await t.client.flows.create.mutate({
    name: 'Billing',
    document: chainFlow('Billing', [httpNode('charge', 'https://billing.test/api')]),
  });
  const versionOf = async (flowId: string) =>
    (await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId } })).id;
  const run = async (
    flowId: string,
    status: string,
    finishedAt: string,
    durationMs: number | null,
  ): Promise<string> => {
    const created = await t.prisma.run.create({
      data: {
        flowId,
        flowVersionId: await versionOf(flowId),
        trigger: 'api',
        status,
        createdAt: at('09:59:00'),
        startedAt: at('09:59:00'),
        finishedAt: at(finishedAt),
        durationMs,
      },
    });
    return created.id;
  };
  const r1 = await run(orders.id, 'succeeded', '10:00:30', 30_000);
  const r2 = await run(orders.id, 'failed', '10:01:30', 90_000);
  const r3 = await run(billing.id, 'failed', '10:02:30', 1_000);
  await run(billing.id, 'cancelled', '10:03:00', null);
  const r5 = await run(billing.id, 'succeeded', '10:03:30', 1_000);
  const step = (
    runId: string,
    nodeId: string,
    nodeType: string,
    attempt: number,
    status: string,
    finishedAt: string | null,
    durationMs: number | null,
    extra: Record<string, unknown> = {},
  ) => ({
    runId,
    nodeId,
    nodeType,
    attempt,
    status,
    startedAt: finishedAt ? new Date(at(finishedAt).getTime() - (durationMs ?? 0)) : null,
    finishedAt: finishedAt ? at(finishedAt) : null,
    durationMs,
    ...extra,
  });
  // Every step row carries its run's step order (step_runs.seq): here simply the row's position.
  const numbered = <T extends object>(rows: T[]) => rows.map((row, i) => ({ ...row, seq: i + 1 }));
  await t.prisma.stepRun.createMany({
    data: numbered([
      // R1: the breaker refused attempt 1 (a 2 s wait); attempt 2 waited 3 s for a token.
      step(r1, 'fetch', 'http.request', 1, 'failed', '10:00:10', 100, {
        retryDelayMs: 2_000,
        waitReason: 'circuit_open',
      }),
      {
        ...step(r1, 'fetch', 'http.request', 2, 'succeeded', '10:00:20', 100),
        startedAt: at('10:00:15'),
        waitingSince: at('10:00:12'),
      },
      step(r1, 'save', 'transform.jsonata', 1, 'succeeded', '10:00:25', 40),
      // R2: throttled (429) and retried after 500 ms, then failed for good; a node since removed.
      step(r2, 'fetch', 'http.request', 1, 'failed', '10:01:10', 200, {
        retryDelayMs: 500,
        waitReason: 'throttled',
      }),
      step(r2, 'fetch', 'http.request', 2, 'failed', '10:01:20', 200),
      step(r2, 'gone', 'transform.jsonata', 1, 'succeeded', '10:01:25', 10),
      step(r2, 'save', 'transform.jsonata', 1, 'waiting', null, null, { waitReason: 'retry' }),
      step(r3, 'charge', 'http.request', 1, 'failed', '10:02:10', 1_000),
      step(r5, 'charge', 'http.request', 1, 'succeeded', '10:03:20', 1_000),
    ]),
  });
  await t.prisma.workerPresenceMinute.createMany({
    data: [
      { minute: at('10:00:00'), workerId: 'w1', role: 'all' },
      { minute: at('10:01:00'), workerId: 'w1', role: 'all' },
      { minute: at('10:01:00'), workerId: 'w2', role: 'worker' },
    ],
  });
});
afterAll(async () => {
  await t?.close();
});

describe('stats.nodes', () => {
  it('gives each node its attempts, failures, percentiles, retries and waits, slowest first', async () => {
    const { nodes, nodeTypes } = await t.client.stats.nodes.query(range);
    expect(nodes).toEqual([
      {
        flowId: billing.id,
        flowName: 'Billing',
        nodeId: 'charge',
        nodeLabel: 'charge',
        nodeType: 'http.request',
        steps: 2,
        failed: 1,
        errorRate: 0.5,
        p50Ms: quantile([1_000, 1_000], 0.5),
        p95Ms: quantile([1_000, 1_000], 0.95),
        retries: 0,
        waitMs: 0,
      },
      {
        flowId: orders.id,
        flowName: 'Orders',
        nodeId: 'fetch',
        nodeLabel: 'Fetch order',
        nodeType: 'http.request',
        steps: 4,
        failed: 3,
        errorRate: 0.75,
        p50Ms: quantile([100, 100, 200, 200], 0.5),
        p95Ms: quantile([100, 100, 200, 200], 0.95),
        retries: 2,
        waitMs: 2_000 + 3_000 + 500,
      },
      expect.objectContaining({ nodeId: 'save', nodeLabel: 'save', steps: 1, failed: 0 }),
      expect.objectContaining({ nodeId: 'gone', nodeLabel: null, steps: 1, errorRate: 0 }),
    ]);
    expect(nodeTypes).toEqual([
      {
        nodeType: 'http.request',
        steps: 6,
        failed: 4,
        errorRate: 4 / 6,
        p95Ms: quantile([100, 100, 200, 200, 1_000, 1_000], 0.95),
      },
      {
        nodeType: 'transform.jsonata',
        steps: 2,
        failed: 0,
        errorRate: 0,
        p95Ms: quantile([40, 10], 0.95),
      },
    ]);
    const one = await t.client.stats.nodes.query({ ...range, flowId: orders.id, limit: 1 });
    expect(one.nodes.map((node) => node.nodeId)).toEqual(['fetch']);
    expect(one.nodeTypes.map((type) => type.steps)).toEqual([4, 2]);
  });
});

describe('stats.flows', () => {
  it('lists the most failing flows first, with outcomes, success rate and p95', async () => {
    const { flows } = await t.client.stats.flows.query(range);
    // Both failed once and succeeded once; Billing ran more (a cancelled run).
    expect(flows).toEqual([
      {
        flowId: billing.id,
        flowName: 'Billing',
        succeeded: 1,
        failed: 1,
        cancelled: 1,
        successRate: 0.5,
        p95Ms: quantile([1_000, 1_000], 0.95),
      },
      {
        flowId: orders.id,
        flowName: 'Orders',
        succeeded: 1,
        failed: 1,
        cancelled: 0,
        successRate: 0.5,
        p95Ms: quantile([30_000, 90_000], 0.95),
      },
    ]);
    const top = await t.client.stats.flows.query({ ...range, limit: 1 });
    expect(top.flows.map((flow) => flow.flowName)).toEqual(['Billing']);
  });
});

describe('stats.activity', () => {
  it('counts runs, attempts, retries, waits and workers per bucket, empty ones included', async () => {
    const activity = await t.client.stats.activity.query({ ...range, bucket: '1m' });
    expect(activity.bucket).toBe('1m');
    const empty = {
      runs: 0,
      attempts: 0,
      retries: 0,
      attemptsPerRun: null,
      breakerWaitMs: 0,
      rateLimitWaitMs: 0,
      rateLimitWaits: 0,
      workersAlive: 0,
    };
    expect(activity.buckets).toEqual([
      {
        ...empty,
        at: '2026-11-10T10:00:00.000Z',
        runs: 1,
        attempts: 3,
        retries: 1,
        attemptsPerRun: 3,
        breakerWaitMs: 2_000,
        rateLimitWaitMs: 3_000,
        rateLimitWaits: 1,
        workersAlive: 1,
      },
      {
        ...empty,
        at: '2026-11-10T10:01:00.000Z',
        runs: 1,
        attempts: 3,
        retries: 1,
        attemptsPerRun: 3,
        rateLimitWaitMs: 500,
        rateLimitWaits: 1,
        workersAlive: 2,
      },
      { ...empty, at: '2026-11-10T10:02:00.000Z', runs: 1, attempts: 1, attemptsPerRun: 1 },
      { ...empty, at: '2026-11-10T10:03:00.000Z', runs: 2, attempts: 1, attemptsPerRun: 0.5 },
      { ...empty, at: '2026-11-10T10:04:00.000Z' },
    ]);

    const billingOnly = await t.client.stats.activity.query({
      ...range,
      flowId: billing.id,
      bucket: '5m',
    });
    expect(billingOnly.buckets).toEqual([
      {
        ...empty,
        at: '2026-11-10T10:00:00.000Z',
        runs: 3,
        attempts: 2,
        attemptsPerRun: 2 / 3,
        // Workers are counted whatever the flow.
        workersAlive: 2,
      },
    ]);
  });
});

describe('input', () => {
  it('answers NOT_FOUND for an unknown flow', async () => {
    const flowId = '00000000-0000-4000-8000-000000000000';
    expect((await trpcFailure(t.client.stats.nodes.query({ ...range, flowId }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await trpcFailure(t.client.stats.activity.query({ ...range, flowId }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('refuses bad ranges and limits with a clear message', async () => {
    const backwards = await trpcFailure(
      t.client.stats.flows.query({ from: range.to, to: range.from }),
    );
    expect(backwards.code).toBe('BAD_REQUEST');
    expect(backwards.message).toContain('must be later than its start (from)');
    const tooMany = await trpcFailure(
      t.client.stats.activity.query({
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-30T00:00:00Z',
        bucket: '1m',
      }),
    );
    expect(tooMany.code).toBe('BAD_REQUEST');
    expect(tooMany.message).toContain('at most 2000 buckets');
    const limit = await trpcFailure(t.client.stats.nodes.query({ ...range, limit: 201 }));
    expect(limit.code).toBe('BAD_REQUEST');
  });
});
