import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { trpcFailure } from '../test-support/trpc-failure.ts';
import { bucketOf, HISTOGRAM_BUCKETS } from './duration-histogram.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** Succeeds, or fails with the expression's error when the input says `fail`. */
async function createFlow(name: string) {
  return t.client.flows.create.mutate({
    name,
    document: chainFlow(name, [
      transformNode('check', '$.fail ? $error("Refused by the test") : { "ok": true }'),
    ]),
  });
}

function around(start: number, end = Date.now()) {
  return {
    from: new Date(start - 60_000).toISOString(),
    to: new Date(end + 60_000).toISOString(),
  };
}

type RawCount = { flow_id: string; minute: Date; status: string; n: number };

describe('stats of finished runs', () => {
  it('counts exactly 3 succeeded and 2 failed runs of a flow, in their minutes', async () => {
    const start = Date.now();
    const flow = await createFlow('Three and two');
    const runIds: string[] = [];
    for (const fail of [false, true, false, true, false]) {
      const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { fail } });
      runIds.push(runId);
    }
    const runs = await Promise.all(runIds.map((runId) => waitForRun(t.client, runId)));
    expect(runs.map((run) => run.status).sort()).toEqual([
      'failed',
      'failed',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);

    const range = { ...around(start), flowId: flow.id };
    const overview = await t.client.stats.overview.query(range);
    expect(overview).toMatchObject({
      total: 5,
      succeeded: 3,
      failed: 2,
      cancelled: 0,
      running: 0,
      queued: 0,
      successRate: 0.6,
    });
    expect(overview.p50Ms).not.toBeNull();
    expect(overview.p99Ms ?? 0).toBeGreaterThanOrEqual(overview.p50Ms ?? 0);

    const series = await t.client.stats.timeseries.query(range);
    expect(series.bucket).toBe('1m');
    // Every minute of the range is there, empty or not, in order.
    const starts = series.buckets.map((bucket) => Date.parse(bucket.at));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(60_000);
    const finishedMinutes = new Map<number, { succeeded: number; failed: number }>();
    for (const run of runs) {
      const minute = Math.floor(Date.parse(String(run.finishedAt)) / 60_000) * 60_000;
      const entry = finishedMinutes.get(minute) ?? { succeeded: 0, failed: 0 };
      if (run.status === 'succeeded') entry.succeeded += 1;
      if (run.status === 'failed') entry.failed += 1;
      finishedMinutes.set(minute, entry);
    }
    for (const bucket of series.buckets) {
      const expected = finishedMinutes.get(Date.parse(bucket.at)) ?? { succeeded: 0, failed: 0 };
      expect(bucket).toMatchObject({ ...expected, cancelled: 0 });
      if (expected.succeeded + expected.failed > 0) expect(bucket.p95Ms).not.toBeNull();
      else expect(bucket.p95Ms).toBeNull();
    }

    const errors = await t.client.stats.topErrors.query(range);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ flowId: flow.id, count: 2 });
    const failedCodes = runs
      .filter((run) => run.status === 'failed')
      .map((run) => (run.error as { code?: string } | null)?.code);
    expect(failedCodes).toEqual([errors[0]?.code, errors[0]?.code]);
  });

  it('counts a run cancelled while queued, without a duration', async () => {
    const queueOnly = await startTestApp({ worker: false });
    try {
      const flow = await queueOnly.client.flows.create.mutate({
        name: 'Cancelled in the queue',
        document: chainFlow('Cancelled in the queue', [transformNode('noop', '{}')]),
      });
      const start = Date.now();
      const { runId } = await queueOnly.client.flows.run.mutate({ id: flow.id, input: {} });
      const range = { ...around(start), flowId: flow.id };
      expect(await queueOnly.client.stats.overview.query(range)).toMatchObject({
        total: 0,
        queued: 1,
      });
      await queueOnly.client.runs.cancel.mutate({ id: runId });
      expect(await queueOnly.client.stats.overview.query(range)).toMatchObject({
        total: 1,
        cancelled: 1,
        queued: 0,
        successRate: null,
        p50Ms: null,
      });
    } finally {
      await queueOnly.close();
    }
  });

  it('equals a count over the raw runs after 200 concurrent runs of mixed outcomes', async () => {
    const start = Date.now();
    const flows = [await createFlow('Concurrent A'), await createFlow('Concurrent B')];
    const started = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.client.flows.run.mutate({ id: flows[i % 2]!.id, input: { fail: i % 3 === 0 } }),
      ),
    );
    // Some are cancelled while queued or running, whichever they are by then.
    await Promise.all(
      started
        .filter((_, i) => i % 10 === 7)
        .map(({ runId }) => t.client.runs.cancel.mutate({ id: runId }).catch(() => undefined)),
    );
    await Promise.all(started.map(({ runId }) => waitForRun(t.client, runId, 60_000)));

    const flowIds = flows.map((flow) => flow.id);
    const raw = await t.prisma.$queryRawUnsafe<RawCount[]>(
      `SELECT flow_id::text, date_trunc('minute', finished_at) AS minute, status, count(*)::int AS n
         FROM runs WHERE flow_id = ANY($1::uuid[]) GROUP BY 1, 2, 3`,
      flowIds,
    );
    expect(raw.filter((row) => row.status === 'failed').length).toBeGreaterThan(0);
    expect(raw.filter((row) => row.status === 'succeeded').length).toBeGreaterThan(0);
    const rollups = await t.prisma.runStatsMinute.findMany({ where: { flowId: { in: flowIds } } });
    // Every (flow, minute) of the raw runs has a rollup with exactly its counts, and no other.
    const expected = new Map<string, { succeeded: number; failed: number; cancelled: number }>();
    for (const row of raw) {
      const key = `${row.flow_id} ${row.minute.toISOString()}`;
      const entry = expected.get(key) ?? { succeeded: 0, failed: 0, cancelled: 0 };
      entry[row.status as 'succeeded' | 'failed' | 'cancelled'] += row.n;
      expected.set(key, entry);
    }
    expect(
      new Map(
        rollups.map((rollup) => [
          `${rollup.flowId} ${rollup.minute.toISOString()}`,
          { succeeded: rollup.succeeded, failed: rollup.failed, cancelled: rollup.cancelled },
        ]),
      ),
    ).toEqual(expected);

    // Histograms and duration sums equal the raw durations, bucket by bucket.
    const durations = await t.prisma.run.findMany({
      where: { flowId: { in: flowIds } },
      select: { flowId: true, finishedAt: true, durationMs: true },
    });
    for (const rollup of rollups) {
      const mine = durations.filter(
        (run) =>
          run.flowId === rollup.flowId &&
          run.durationMs !== null &&
          Math.floor((run.finishedAt?.getTime() ?? 0) / 60_000) * 60_000 ===
            rollup.minute.getTime(),
      );
      const histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
      for (const run of mine) histogram[bucketOf(run.durationMs ?? 0)]! += 1;
      expect(rollup.durationHistogram).toEqual(histogram);
      expect(rollup.durationCount).toBe(mine.length);
      expect(Number(rollup.durationSumMs)).toBe(
        mine.reduce((sum, run) => sum + (run.durationMs ?? 0), 0),
      );
    }

    // Error codes equal the raw failed runs'.
    const rawErrors = await t.prisma.$queryRawUnsafe<{ code: string; n: number }[]>(
      `SELECT error->>'code' AS code, count(*)::int AS n FROM runs
        WHERE flow_id = ANY($1::uuid[]) AND status = 'failed' GROUP BY 1 ORDER BY 1`,
      flowIds,
    );
    const range = around(start);
    const topErrors = await t.client.stats.topErrors.query({ ...range, limit: 100 });
    const byCode = new Map<string, number>();
    for (const error of topErrors.filter((entry) => flowIds.includes(entry.flowId))) {
      byCode.set(error.code, (byCode.get(error.code) ?? 0) + error.count);
    }
    expect(byCode).toEqual(new Map(rawErrors.map((row) => [row.code, row.n])));

    // The overview of each flow equals the raw counts; its percentiles lie in the bucket of the
    // exact percentile_cont over the raw durations, or the next one.
    for (const flowId of flowIds) {
      const overview = await t.client.stats.overview.query({ ...range, flowId });
      const counts = { succeeded: 0, failed: 0, cancelled: 0 };
      for (const row of raw.filter((entry) => entry.flow_id === flowId)) {
        counts[row.status as keyof typeof counts] += row.n;
      }
      expect(overview).toMatchObject({ ...counts, total: 100, running: 0, queued: 0 });
      const [exact] = await t.prisma.$queryRawUnsafe<Record<'p50' | 'p95' | 'p99', number>[]>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
           FROM runs WHERE flow_id = $1::uuid AND duration_ms IS NOT NULL`,
        flowId,
      );
      for (const [estimate, value] of [
        [overview.p50Ms, exact?.p50],
        [overview.p95Ms, exact?.p95],
        [overview.p99Ms, exact?.p99],
      ] as const) {
        expect(estimate).not.toBeNull();
        const distance = Math.abs(bucketOf(estimate ?? 0) - bucketOf(Number(value)));
        expect([estimate, value, distance <= 1]).toEqual([estimate, value, true]);
      }
    }

    // The timeseries over both flows adds up to the same totals.
    const series = await t.client.stats.timeseries.query({ ...range, bucket: '1m' });
    const all = await t.client.stats.overview.query(range);
    const summed = series.buckets.reduce(
      (sum, bucket) => ({
        succeeded: sum.succeeded + bucket.succeeded,
        failed: sum.failed + bucket.failed,
        cancelled: sum.cancelled + bucket.cancelled,
      }),
      { succeeded: 0, failed: 0, cancelled: 0 },
    );
    expect(summed).toEqual({
      succeeded: all.succeeded,
      failed: all.failed,
      cancelled: all.cancelled,
    });
  }, 120_000);
});

describe('runs written or removed outside the finish', () => {
  it('counts runs inserted already finished, forgets deleted ones, and purges with the flow', async () => {
    const flow = await createFlow('Seeded and pruned');
    const version = await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
    const base = Date.parse('2026-11-10T12:00:00.000Z');
    const statuses = ['succeeded', 'failed', 'cancelled'] as const;
    await t.prisma.run.createMany({
      data: Array.from({ length: 90 }, (_, i) => ({
        flowId: flow.id,
        flowVersionId: version.id,
        trigger: 'api',
        status: statuses[i % 3]!,
        createdAt: new Date(base + i * 20_000),
        startedAt: new Date(base + i * 20_000),
        finishedAt: new Date(base + i * 20_000 + 10 * i),
        durationMs: 10 * i,
        ...(i % 3 === 1 ? { error: { code: 'SEEDED', message: 'seeded' } } : {}),
      })),
    });
    const range = { from: '2026-11-10T11:00:00Z', to: '2026-11-10T14:00:00Z', flowId: flow.id };
    expect(await t.client.stats.overview.query(range)).toMatchObject({
      succeeded: 30,
      failed: 30,
      cancelled: 30,
    });

    // Pruning the first 20 minutes (60 runs) removes them from the figures and empty minutes.
    await t.prisma.run.deleteMany({
      where: { flowId: flow.id, finishedAt: { lt: new Date(base + 20 * 60_000) } },
    });
    const left = await t.prisma.run.groupBy({
      by: ['status'],
      where: { flowId: flow.id },
      _count: true,
    });
    const overview = await t.client.stats.overview.query(range);
    for (const status of statuses) {
      expect(overview[status]).toBe(left.find((row) => row.status === status)?._count ?? 0);
    }
    expect(overview.total).toBe(30);
    const minutes = await t.prisma.runStatsMinute.findMany({ where: { flowId: flow.id } });
    expect(minutes.every((row) => row.minute.getTime() >= base + 20 * 60_000)).toBe(true);
    const errors = await t.client.stats.topErrors.query(range);
    expect(errors).toEqual([expect.objectContaining({ code: 'SEEDED', count: 10 })]);

    await t.client.flows.delete.mutate({ id: flow.id });
    await t.client.flows.purge.mutate({ id: flow.id });
    expect(await t.prisma.runStatsMinute.count({ where: { flowId: flow.id } })).toBe(0);
    expect(await t.prisma.runErrorStatsMinute.count({ where: { flowId: flow.id } })).toBe(0);
  });
});

describe('stats.upstreams', () => {
  it('gives each target its breaker now, its timeline in the range and its rate limit', async () => {
    const at = (time: string) => new Date(`2026-11-20T${time}Z`);
    await t.prisma.circuitBreaker.create({
      data: {
        target: 'api.flaky.test',
        state: 'open',
        openedAt: at('10:40:00'),
        openUntil: at('10:45:00'),
        lastFailureAt: at('10:40:00'),
      },
    });
    await t.prisma.circuitBreaker.create({ data: { target: 'a.steady.test', state: 'closed' } });
    const transitions: [string, string, string][] = [
      ['09:00:00', 'closed', 'open'], // before the range: the state at its start
      ['10:05:00', 'open', 'half_open'],
      ['10:06:00', 'half_open', 'closed'],
      ['10:40:00', 'closed', 'open'],
      ['11:30:00', 'open', 'half_open'], // after the range
    ];
    for (const [time, fromState, toState] of transitions) {
      await t.prisma.breakerTransition.create({
        data: { target: 'api.flaky.test', fromState, toState, reason: 'test', at: at(time) },
      });
    }
    await t.prisma.rateLimit.create({
      data: { target: 'api.limited.test', limit: 10, periodMs: 1000, burst: 5 },
    });

    const stats = await t.client.stats.upstreams.query({
      from: '2026-11-20T10:00:00Z',
      to: '2026-11-20T11:00:00Z',
    });
    expect(stats.map((entry) => entry.target)).toEqual([
      'api.flaky.test', // open first
      'a.steady.test',
      'api.limited.test',
    ]);
    expect(stats[0]).toEqual({
      target: 'api.flaky.test',
      state: 'open',
      openUntil: '2026-11-20T10:45:00.000Z',
      lastFailureAt: '2026-11-20T10:40:00.000Z',
      stateAtFrom: 'open',
      transitions: [
        { at: '2026-11-20T10:05:00.000Z', from: 'open', to: 'half_open', reason: 'test' },
        { at: '2026-11-20T10:06:00.000Z', from: 'half_open', to: 'closed', reason: 'test' },
        { at: '2026-11-20T10:40:00.000Z', from: 'closed', to: 'open', reason: 'test' },
      ],
      opens: 1,
      rateLimit: null,
      throttledUntil: null,
    });
    expect(stats[2]).toMatchObject({
      state: null,
      stateAtFrom: 'closed',
      transitions: [],
      opens: 0,
      rateLimit: { limit: 10, periodMs: 1000, burst: 5 },
    });
    expect(stats[1]).toMatchObject({ state: 'closed', stateAtFrom: 'closed', rateLimit: null });
  });
});

describe('stats input', () => {
  const from = '2026-12-01T00:00:00Z';

  it('refuses a range that ends before it starts, or covers more than 90 days', async () => {
    const backwards = await trpcFailure(
      t.client.stats.overview.query({ from, to: '2026-11-30T00:00:00Z' }),
    );
    expect(backwards.code).toBe('BAD_REQUEST');
    expect(backwards.message).toContain('must be later than its start (from)');
    const long = await trpcFailure(
      t.client.stats.timeseries.query({ from, to: '2027-06-01T00:00:00Z' }),
    );
    expect(long.code).toBe('BAD_REQUEST');
    expect(long.message).toContain('at most 90 days');
  });

  it('refuses a date that is not ISO 8601, and too many buckets', async () => {
    const notADate = await trpcFailure(
      t.client.stats.overview.query({ from: 'yesterday', to: from }),
    );
    expect(notADate.code).toBe('BAD_REQUEST');
    expect(notADate.message).toContain('ISO 8601');
    const tooMany = await trpcFailure(
      t.client.stats.timeseries.query({ from, to: '2026-12-30T00:00:00Z', bucket: '1m' }),
    );
    expect(tooMany.code).toBe('BAD_REQUEST');
    expect(tooMany.message).toContain('at most 2000 buckets');
  });

  it('answers NOT_FOUND for an unknown flow', async () => {
    const failure = await trpcFailure(
      t.client.stats.topErrors.query({
        from,
        to: '2026-12-02T00:00:00Z',
        flowId: '00000000-0000-4000-8000-000000000000',
      }),
    );
    expect(failure.code).toBe('NOT_FOUND');
  });

  it('chooses a bucket from the range', async () => {
    const day = await t.client.stats.timeseries.query({ from, to: '2026-12-02T00:00:00Z' });
    expect(day.bucket).toBe('1h');
    expect(day.buckets).toHaveLength(24);
    const hours = await t.client.stats.timeseries.query({ from, to: '2026-12-01T02:00:00Z' });
    expect(hours.bucket).toBe('1m');
    expect(hours.buckets).toHaveLength(120);
    const month = await t.client.stats.timeseries.query({ from, to: '2026-12-31T00:00:00Z' });
    expect(month.bucket).toBe('1d');
    expect(month.buckets).toHaveLength(30);
    expect(month.buckets[0]).toEqual({
      at: '2026-12-01T00:00:00.000Z',
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      p95Ms: null,
    });
  });
});
