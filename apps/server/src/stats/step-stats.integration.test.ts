import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { bucketOf, HISTOGRAM_BUCKETS } from './duration-histogram.ts';

let t: TestApp;
let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

type Rollup = {
  succeeded: number;
  failed: number;
  retries: number;
  breakerWaits: number;
  breakerWaitMs: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  durationCount: number;
  durationSumMs: number;
  durationHistogram: number[];
};

/**
 * What step_stats_minute must hold, computed here from the raw step rows by the definitions in
 * migration 20261204050000_step_stats, keyed by flow, minute, node and type.
 */
async function expectedFromRawSteps(flowIds: string[]): Promise<Map<string, Rollup>> {
  const steps = await t.prisma.stepRun.findMany({
    where: { run: { flowId: { in: flowIds } } },
    include: { run: { select: { flowId: true } } },
  });
  const expected = new Map<string, Rollup>();
  for (const step of steps) {
    const finished = step.status === 'succeeded' || step.status === 'failed';
    if (!finished || !step.finishedAt || step.reusedFromRunId) continue;
    const minute = Math.floor(step.finishedAt.getTime() / 60_000) * 60_000;
    const key = `${step.run.flowId} ${new Date(minute).toISOString()} ${step.nodeId} ${step.nodeType}`;
    const entry = expected.get(key) ?? {
      succeeded: 0,
      failed: 0,
      retries: 0,
      breakerWaits: 0,
      breakerWaitMs: 0,
      rateLimitWaits: 0,
      rateLimitWaitMs: 0,
      durationCount: 0,
      durationSumMs: 0,
      durationHistogram: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
    };
    if (step.status === 'succeeded') entry.succeeded += 1;
    else entry.failed += 1;
    if (step.attempt > 1) entry.retries += 1;
    const retried = step.status === 'failed' && step.retryDelayMs !== null;
    if (retried && step.waitReason === 'circuit_open') {
      entry.breakerWaits += 1;
      entry.breakerWaitMs += step.retryDelayMs ?? 0;
    }
    if (retried && step.waitReason === 'throttled') {
      entry.rateLimitWaits += 1;
      entry.rateLimitWaitMs += step.retryDelayMs ?? 0;
    }
    if (step.waitingSince && step.startedAt) {
      entry.rateLimitWaits += 1;
      entry.rateLimitWaitMs += Math.max(0, step.startedAt.getTime() - step.waitingSince.getTime());
    }
    if (step.durationMs !== null) {
      entry.durationCount += 1;
      entry.durationSumMs += step.durationMs;
      entry.durationHistogram[bucketOf(step.durationMs)]! += 1;
    }
    expected.set(key, entry);
  }
  return expected;
}

async function rollups(flowIds: string[]): Promise<Map<string, Rollup>> {
  const rows = await t.prisma.stepStatsMinute.findMany({ where: { flowId: { in: flowIds } } });
  return new Map(
    rows.map((row) => [
      `${row.flowId} ${row.minute.toISOString()} ${row.nodeId} ${row.nodeType}`,
      {
        succeeded: row.succeeded,
        failed: row.failed,
        retries: row.retries,
        breakerWaits: row.breakerWaits,
        breakerWaitMs: Number(row.breakerWaitMs),
        rateLimitWaits: row.rateLimitWaits,
        rateLimitWaitMs: Number(row.rateLimitWaitMs),
        durationCount: row.durationCount,
        durationSumMs: Number(row.durationSumMs),
        durationHistogram: row.durationHistogram,
      },
    ]),
  );
}

function sum(values: Iterable<Rollup>, field: keyof Omit<Rollup, 'durationHistogram'>): number {
  let total = 0;
  for (const value of values) total += value[field];
  return total;
}

describe('step rollups', () => {
  it('equal the raw step rows after concurrent runs with failures, retries and waits, and after deletions', async () => {
    const start = Date.now();
    // Every other call fails with 503 (retried), every third of the other path is throttled.
    upstream.script('/flaky', (call) => (call % 2 === 1 ? { status: 503 } : { status: 200 }));
    upstream.script('/throttled', (call) => (call % 3 === 1 ? { status: 429 } : { status: 200 }));
    // Fails once: the breaker (opening at the first failure) refuses the retry until it half-opens.
    upstream.script('/down', (call) => (call === 1 ? { status: 503 } : { status: 200 }));
    const retry = { maxAttempts: 4, initialDelayMs: 20, jitter: 0 };
    const flaky = await t.client.flows.create.mutate({
      name: 'Flaky upstream',
      document: chainFlow('Flaky upstream', [
        httpNode('call', `${upstream.url}/flaky`, {
          retry,
          breaker: { enabled: false },
          target: 'stats-flaky',
        }),
        transformNode('check', '$trigger.fail ? $error("Refused by the test") : { "ok": true }'),
      ]),
    });
    const throttled = await t.client.flows.create.mutate({
      name: 'Throttled upstream',
      document: chainFlow('Throttled upstream', [
        httpNode('call', `${upstream.url}/throttled`, {
          retry,
          breaker: { enabled: false },
          target: 'stats-throttled',
        }),
      ]),
    });
    const breaker = await t.client.flows.create.mutate({
      name: 'Breaker opens',
      document: chainFlow('Breaker opens', [
        httpNode('call', `${upstream.url}/down`, {
          retry,
          breaker: { enabled: true, consecutiveFailures: 1, openDurationMs: 300 },
          target: 'stats-down',
        }),
      ]),
    });
    // One call per 1.5 s: concurrent runs park (longer than the 1 s inline wait) for a token.
    const limited = await t.client.flows.create.mutate({
      name: 'Rate limited',
      document: chainFlow('Rate limited', [
        httpNode('call', `${upstream.url}/limited`, {
          rateLimit: { limit: 1, periodMs: 1_500 },
          target: 'stats-limited',
        }),
      ]),
    });

    const breakerRun = await t.client.flows.run.mutate({ id: breaker.id, input: {} });
    expect((await waitForRun(t.client, breakerRun.runId, 30_000)).status).toBe('succeeded');
    const started = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) =>
        t.client.flows.run.mutate({ id: flaky.id, input: { fail: i % 4 === 0 } }),
      ),
      ...Array.from({ length: 12 }, () =>
        t.client.flows.run.mutate({ id: throttled.id, input: {} }),
      ),
      ...Array.from({ length: 3 }, () => t.client.flows.run.mutate({ id: limited.id, input: {} })),
    ]);
    const runs = await Promise.all(started.map(({ runId }) => waitForRun(t.client, runId, 60_000)));
    expect(runs.filter((run) => run.status === 'failed').length).toBeGreaterThanOrEqual(6);

    const flowIds = [flaky.id, throttled.id, breaker.id, limited.id];
    const expected = await expectedFromRawSteps(flowIds);
    expect(await rollups(flowIds)).toEqual(expected);
    // The runs did retry and wait, so the comparison covers every column.
    const values = [...expected.values()];
    expect(sum(values, 'failed')).toBeGreaterThan(6);
    expect(sum(values, 'retries')).toBeGreaterThan(0);
    expect(sum(values, 'breakerWaits')).toBeGreaterThan(0);
    expect(sum(values, 'rateLimitWaits')).toBeGreaterThan(0);
    const limitedWaits = [...expected.entries()]
      .filter(([key]) => key.startsWith(limited.id))
      .map(([, value]) => value);
    expect(sum(limitedWaits, 'rateLimitWaitMs')).toBeGreaterThan(1_000);

    // stats.nodes sums the same rollups.
    const range = {
      from: new Date(start - 60_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    };
    const { nodes, nodeTypes } = await t.client.stats.nodes.query({ ...range, flowId: flaky.id });
    for (const nodeId of ['call', 'check']) {
      const raw = [...expected.entries()]
        .filter(([key]) => key.startsWith(`${flaky.id} `) && key.split(' ')[2] === nodeId)
        .map(([, value]) => value);
      const steps = sum(raw, 'succeeded') + sum(raw, 'failed');
      expect(nodes.find((node) => node.nodeId === nodeId)).toMatchObject({
        flowId: flaky.id,
        flowName: 'Flaky upstream',
        nodeLabel: nodeId,
        nodeType: nodeId === 'call' ? 'http.request' : 'transform.jsonata',
        steps,
        failed: sum(raw, 'failed'),
        errorRate: sum(raw, 'failed') / steps,
        retries: sum(raw, 'retries'),
        waitMs: sum(raw, 'breakerWaitMs') + sum(raw, 'rateLimitWaitMs'),
      });
    }
    // Half the calls failed, and were retried.
    expect(nodes.find((node) => node.nodeId === 'call')?.retries).toBeGreaterThanOrEqual(12);
    expect(nodeTypes.map((type) => type.nodeType).sort()).toEqual([
      'http.request',
      'transform.jsonata',
      'trigger.manual',
    ]);
    const activity = await t.client.stats.activity.query({ ...range, bucket: '1h' });
    const attempts = activity.buckets.reduce((total, bucket) => total + bucket.attempts, 0);
    const allSteps = await t.prisma.stepRun.count({
      where: {
        status: { in: ['succeeded', 'failed'] },
        reusedFromRunId: null,
        finishedAt: { gte: new Date(Math.floor(Date.parse(range.from) / 60_000) * 60_000) },
      },
    });
    expect(attempts).toBe(allSteps);

    // Retention deletes runs (their steps go by the cascade); a step row may go on its own.
    const oneStep = await t.prisma.stepRun.findFirstOrThrow({
      where: { run: { flowId: throttled.id }, status: 'succeeded' },
    });
    await t.prisma.stepRun.delete({ where: { id: oneStep.id } });
    const doomed = runs.filter((_, i) => i % 3 === 0).map((run) => run.id);
    await t.prisma.run.deleteMany({ where: { id: { in: doomed } } });
    expect(await rollups(flowIds)).toEqual(await expectedFromRawSteps(flowIds));

    await t.client.flows.delete.mutate({ id: flaky.id });
    await t.client.flows.purge.mutate({ id: flaky.id });
    expect(await t.prisma.stepStatsMinute.count({ where: { flowId: flaky.id } })).toBe(0);
  }, 120_000);

  it('does not count the steps a retry from the failed step copies', async () => {
    upstream.script('/once', (call) => (call === 1 ? { status: 400 } : { status: 200 }));
    const flow = await t.client.flows.create.mutate({
      name: 'Retried from the failed step',
      document: chainFlow('Retried from the failed step', [
        transformNode('first', '{ "ok": true }'),
        httpNode('call', `${upstream.url}/once`, { target: 'stats-once' }),
      ]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: {} });
    expect((await waitForRun(t.client, runId)).status).toBe('failed');
    const retried = await t.client.runs.retry.mutate({ id: runId, from: 'failed_step' });
    expect((await waitForRun(t.client, retried.runId)).status).toBe('succeeded');
    expect(
      await t.prisma.stepRun.count({ where: { runId: retried.runId, reusedFromRunId: runId } }),
    ).toBe(2);
    const rows = await t.prisma.stepStatsMinute.findMany({ where: { flowId: flow.id } });
    const firstNode = rows.filter((row) => row.nodeId === 'first');
    expect(firstNode.reduce((total, row) => total + row.succeeded, 0)).toBe(1);
    expect(await rollups([flow.id])).toEqual(await expectedFromRawSteps([flow.id]));
  }, 60_000);
});
