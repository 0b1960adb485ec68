/**
 * Hourly compaction (stats_compact, stats-compactor.ts): after minute rows are moved into hour
 * rows, every dashboard figure still equals a count over the raw runs and steps at hour
 * granularity; after runs are deleted (the retention path) and compacted again; and with runs
 * finishing and inserted while compaction runs.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { estimateQuantile, HISTOGRAM_BUCKETS } from './duration-histogram.ts';
import { compactStats, StatsCompactor } from './stats-compactor.ts';

let t: TestApp;
let pool: pg.Pool;
let flowIds: string[];

const BASE = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;
const hourAt = (h: number) => new Date(BASE + h * HOUR);
/** Minutes before this are compacted in the tests. */
const CUTOFF = hourAt(8);
const FINISHED = `status IN ('succeeded', 'failed', 'cancelled') AND finished_at IS NOT NULL`;

/**
 * Inserts `count` finished runs of the flows, already finished between hour `fromHour` and
 * `toHour` (deterministic spread of outcomes, durations and error codes), each with two steps: a
 * first attempt of `fetch` (failed and retried after a breaker or a 429 for some), a second
 * attempt for those, and a `save` step that waited for a rate-limit token for some.
 */
async function seedRuns(count: number, fromHour: number, toHour: number, seed: number) {
  await pool.query(
    `WITH params AS (
       SELECT i, ($1::uuid[])[1 + (i + $5) % array_length($1::uuid[], 1)] AS flow_id,
              $2::timestamptz + ((($3::timestamptz - $2::timestamptz) * ((i * 7919 + $5) % $4)) / $4)
                AS finished_at,
              CASE (i + $5) % 7 WHEN 0 THEN 'failed' WHEN 3 THEN 'failed' WHEN 5 THEN 'cancelled'
                   ELSE 'succeeded' END AS status,
              ((i * 37 + $5) % 5000) + 1 AS duration_ms
         FROM generate_series(1, $4) AS i
     ), inserted AS (
       INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, created_at, started_at,
                         finished_at, duration_ms, error)
       SELECT gen_random_uuid(), p.flow_id, v.id, 'api', p.status, p.finished_at - interval '10 seconds',
              p.finished_at - interval '10 seconds', p.finished_at,
              CASE WHEN p.status = 'cancelled' AND p.i % 2 = 0 THEN NULL ELSE p.duration_ms END,
              CASE WHEN p.status = 'failed'
                   THEN jsonb_build_object('code', 'E' || (p.i % 3), 'message', 'boom') END
         FROM params p JOIN flow_versions v ON v.flow_id = p.flow_id
       RETURNING id, finished_at, duration_ms, status
     )
     INSERT INTO step_runs (id, run_id, node_id, node_type, attempt, status, started_at, finished_at,
                            duration_ms, retry_delay_ms, wait_reason, waiting_since, seq)
     SELECT gen_random_uuid(), r.id, s.node_id, s.node_type, s.attempt, s.status,
            r.finished_at - make_interval(secs => s.offset_s + 1), r.finished_at - make_interval(secs => s.offset_s),
            s.duration_ms, s.retry_delay_ms, s.wait_reason,
            CASE WHEN s.waits THEN r.finished_at - make_interval(secs => s.offset_s + 3) END, s.seq
       FROM inserted r,
            LATERAL (VALUES
              ('fetch', 'http', 1, CASE WHEN r.duration_ms % 4 = 0 THEN 'failed' ELSE 'succeeded' END,
               9, (r.duration_ms % 900) + 1,
               CASE WHEN r.duration_ms % 4 = 0 THEN 250 END,
               CASE WHEN r.duration_ms % 8 = 0 THEN 'circuit_open'
                    WHEN r.duration_ms % 4 = 0 THEN 'throttled' END, false, 1),
              ('save', 'transform', 1, 'succeeded', 0, (r.duration_ms % 13) + 1, NULL, NULL,
               r.duration_ms % 5 = 0, 3)
            ) AS s(node_id, node_type, attempt, status, offset_s, duration_ms, retry_delay_ms,
                   wait_reason, waits, seq)
     UNION ALL
     SELECT gen_random_uuid(), r.id, 'fetch', 'http', 2, 'succeeded', r.finished_at - interval '5 seconds',
            r.finished_at - interval '4 seconds', (r.duration_ms % 70) + 1, NULL, NULL, NULL, 2
       FROM inserted r WHERE r.duration_ms % 4 = 0`,
    [flowIds, hourAt(fromHour), hourAt(toHour), count, seed],
  );
}

function histogramOf(rows: { bucket: number; n: string }[]): number[] {
  const counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const row of rows) counts[row.bucket] = Number(row.n);
  return counts;
}

/** Every dashboard figure over [from, to) computed from the raw runs and steps. */
async function rawFigures(from: Date, to: Date) {
  const runs = await pool.query<{ flow_id: string; s: string; f: string; c: string }>(
    `SELECT flow_id, count(*) FILTER (WHERE status = 'succeeded') AS s,
            count(*) FILTER (WHERE status = 'failed') AS f,
            count(*) FILTER (WHERE status = 'cancelled') AS c
       FROM runs WHERE ${FINISHED} AND finished_at >= $1 AND finished_at < $2 GROUP BY flow_id`,
    [from, to],
  );
  const histogram = await pool.query<{ key: string; bucket: number; n: string }>(
    `SELECT flow_id::text AS key, run_stats_duration_bucket(duration_ms) AS bucket, count(*) AS n
       FROM runs WHERE ${FINISHED} AND duration_ms IS NOT NULL AND finished_at >= $1
        AND finished_at < $2 GROUP BY 1, 2`,
    [from, to],
  );
  const hourly = await pool.query<{ at: Date; s: string; f: string; c: string }>(
    `SELECT date_bin('1 hour', finished_at, 'epoch') AS at,
            count(*) FILTER (WHERE status = 'succeeded') AS s,
            count(*) FILTER (WHERE status = 'failed') AS f,
            count(*) FILTER (WHERE status = 'cancelled') AS c
       FROM runs WHERE ${FINISHED} AND finished_at >= $1 AND finished_at < $2 GROUP BY 1`,
    [from, to],
  );
  const errors = await pool.query<{ code: string; flow_id: string; n: string }>(
    `SELECT COALESCE(error ->> 'code', 'UNKNOWN') AS code, flow_id, count(*) AS n
       FROM runs WHERE status = 'failed' AND finished_at >= $1 AND finished_at < $2
      GROUP BY 1, 2`,
    [from, to],
  );
  const counted = `s.status IN ('succeeded', 'failed') AND s.finished_at IS NOT NULL
                   AND s.reused_from_run_id IS NULL AND s.finished_at >= $1 AND s.finished_at < $2`;
  const steps = await pool.query<{
    flow_id: string;
    node_id: string;
    node_type: string;
    steps: string;
    failed: string;
    retries: string;
    wait_ms: string;
  }>(
    `SELECT r.flow_id, s.node_id, s.node_type, count(*) AS steps,
            count(*) FILTER (WHERE s.status = 'failed') AS failed,
            count(*) FILTER (WHERE s.attempt > 1) AS retries,
            sum(CASE WHEN s.status = 'failed' AND s.wait_reason IN ('circuit_open', 'throttled')
                     THEN COALESCE(s.retry_delay_ms, 0) ELSE 0 END
                + CASE WHEN s.waiting_since IS NOT NULL AND s.started_at IS NOT NULL
                       THEN floor(extract(epoch FROM s.started_at - s.waiting_since) * 1000)
                       ELSE 0 END) AS wait_ms
       FROM step_runs s JOIN runs r ON r.id = s.run_id WHERE ${counted} GROUP BY 1, 2, 3`,
    [from, to],
  );
  const stepHistogram = await pool.query<{ key: string; bucket: number; n: string }>(
    `SELECT r.flow_id || ' ' || s.node_id AS key, run_stats_duration_bucket(s.duration_ms) AS bucket,
            count(*) AS n
       FROM step_runs s JOIN runs r ON r.id = s.run_id
      WHERE ${counted} AND s.duration_ms IS NOT NULL GROUP BY 1, 2`,
    [from, to],
  );
  const stepsHourly = await pool.query<{ at: Date; attempts: string; retries: string }>(
    `SELECT date_bin('1 hour', s.finished_at, 'epoch') AS at, count(*) AS attempts,
            count(*) FILTER (WHERE s.attempt > 1) AS retries
       FROM step_runs s WHERE ${counted} GROUP BY 1`,
    [from, to],
  );
  const byKey = (rows: { key: string; bucket: number; n: string }[]) => {
    const result = new Map<string, { bucket: number; n: string }[]>();
    for (const row of rows) result.set(row.key, [...(result.get(row.key) ?? []), row]);
    return new Map([...result].map(([key, list]) => [key, histogramOf(list)]));
  };
  return {
    runs: runs.rows,
    runHistograms: byKey(histogram.rows),
    allRunsHistogram: histogramOf(
      Object.values(
        histogram.rows.reduce<Record<number, { bucket: number; n: string }>>((acc, row) => {
          acc[row.bucket] = {
            bucket: row.bucket,
            n: String(Number(acc[row.bucket]?.n ?? 0) + Number(row.n)),
          };
          return acc;
        }, {}),
      ),
    ),
    hourly: hourly.rows,
    errors: errors.rows,
    steps: steps.rows,
    stepHistograms: byKey(stepHistogram.rows),
    stepsHourly: stepsHourly.rows,
  };
}

/** Checks every dashboard query over [from, to) (hour-aligned) against the raw rows. */
async function expectFiguresEqualRawCounts(from: Date, to: Date) {
  const raw = await rawFigures(from, to);
  const stats = t.services.stats;
  const sum = (key: 's' | 'f' | 'c') =>
    raw.runs.reduce((total, row) => total + Number(row[key]), 0);

  const overview = await stats.overview({ from, to });
  expect({
    succeeded: overview.succeeded,
    failed: overview.failed,
    cancelled: overview.cancelled,
    p50Ms: overview.p50Ms,
    p95Ms: overview.p95Ms,
    p99Ms: overview.p99Ms,
  }).toEqual({
    succeeded: sum('s'),
    failed: sum('f'),
    cancelled: sum('c'),
    p50Ms: estimateQuantile(raw.allRunsHistogram, 0.5),
    p95Ms: estimateQuantile(raw.allRunsHistogram, 0.95),
    p99Ms: estimateQuantile(raw.allRunsHistogram, 0.99),
  });

  const series = await stats.timeseries({ from, to, bucket: '1h' });
  const hourly = new Map(raw.hourly.map((row) => [row.at.toISOString(), row]));
  for (const bucket of series.buckets) {
    const row = hourly.get(bucket.at);
    expect([bucket.at, bucket.succeeded, bucket.failed, bucket.cancelled]).toEqual([
      bucket.at,
      Number(row?.s ?? 0),
      Number(row?.f ?? 0),
      Number(row?.c ?? 0),
    ]);
  }
  expect(series.buckets.reduce((total, b) => total + b.succeeded, 0)).toBe(sum('s'));

  const errors = await stats.topErrors({ from, to, limit: 100 });
  expect(errors.map((e) => `${e.code} ${e.flowId} ${e.count}`).sort()).toEqual(
    raw.errors.map((e) => `${e.code} ${e.flow_id} ${Number(e.n)}`).sort(),
  );

  const flows = await stats.flows({ from, to, limit: 100 });
  expect(
    flows.flows
      .map((f) => `${f.flowId} ${f.succeeded} ${f.failed} ${f.cancelled} ${f.p95Ms}`)
      .sort(),
  ).toEqual(
    raw.runs
      .map((r) => {
        const counts = raw.runHistograms.get(r.flow_id);
        const p95 = counts ? estimateQuantile(counts, 0.95) : null;
        return `${r.flow_id} ${Number(r.s)} ${Number(r.f)} ${Number(r.c)} ${p95}`;
      })
      .sort(),
  );

  const nodes = await stats.nodes({ from, to, limit: 100 });
  expect(
    nodes.nodes
      .map(
        (n) => `${n.flowId} ${n.nodeId} ${n.steps} ${n.failed} ${n.retries} ${n.waitMs} ${n.p95Ms}`,
      )
      .sort(),
  ).toEqual(
    raw.steps
      .map((s) => {
        const counts = raw.stepHistograms.get(`${s.flow_id} ${s.node_id}`);
        const p95 = counts ? estimateQuantile(counts, 0.95) : null;
        return `${s.flow_id} ${s.node_id} ${Number(s.steps)} ${Number(s.failed)} ${Number(s.retries)} ${Number(s.wait_ms)} ${p95}`;
      })
      .sort(),
  );

  const activity = await stats.activity({ from, to, bucket: '1h' });
  const stepsHourly = new Map(raw.stepsHourly.map((row) => [row.at.toISOString(), row]));
  for (const bucket of activity.buckets) {
    const runs = hourly.get(bucket.at);
    const steps = stepsHourly.get(bucket.at);
    expect([bucket.at, bucket.runs, bucket.attempts, bucket.retries]).toEqual([
      bucket.at,
      Number(runs?.s ?? 0) + Number(runs?.f ?? 0) + Number(runs?.c ?? 0),
      Number(steps?.attempts ?? 0),
      Number(steps?.retries ?? 0),
    ]);
  }
}

async function rowCounts() {
  const { rows } = await pool.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM run_stats_minute WHERE minute < $1)::int AS old_run_minutes,
            (SELECT count(*) FROM step_stats_minute WHERE minute < $1)::int AS old_step_minutes,
            (SELECT count(*) FROM run_error_stats_minute WHERE minute < $1)::int AS old_error_minutes,
            (SELECT count(*) FROM run_stats_hour)::int AS run_hours,
            (SELECT count(*) FROM step_stats_hour)::int AS step_hours,
            (SELECT count(*) FROM run_error_stats_hour)::int AS error_hours`,
    [CUTOFF],
  );
  return rows[0] ?? {};
}

const ranges: [string, Date, Date][] = [
  ['everything', hourAt(0), hourAt(10)],
  ['compacted hours only', hourAt(2), hourAt(6)],
  ['across the compaction cutoff', hourAt(5), hourAt(10)],
  ['minutes only', hourAt(8), hourAt(10)],
];

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  pool = new pg.Pool({ connectionString: t.database.url, max: 4 });
  flowIds = [];
  for (const name of ['Orders', 'Billing', 'Shipping']) {
    const flow = await t.client.flows.create.mutate({
      name,
      document: chainFlow(name, [
        httpNode('fetch', 'https://orders.test/api'),
        transformNode('save', '{}'),
      ]),
    });
    flowIds.push(flow.id);
  }
  await seedRuns(3_000, 0, 10, 1);
});
afterAll(async () => {
  await pool?.end();
  await t?.close();
});

describe('hourly compaction', () => {
  it('moves old minute rows into hour rows, and every figure still equals the raw counts', async () => {
    const before = await rowCounts();
    expect(before.old_run_minutes).toBeGreaterThan(0);
    const result = await compactStats(pool, { olderThan: CUTOFF, batchSize: 200 });
    expect(result).toMatchObject({ outcome: 'done' });
    const after = await rowCounts();
    expect(after).toMatchObject({ old_run_minutes: 0, old_step_minutes: 0, old_error_minutes: 0 });
    expect(after.run_hours).toBe(3 * 8);
    // Steps finish a few seconds before their run: some fall in the hour before the first.
    expect(after.step_hours).toBeGreaterThanOrEqual(3 * 8 * 2);
    for (const [, from, to] of ranges) await expectFiguresEqualRawCounts(from, to);
    // Nothing left to move: a second pass moves nothing.
    expect(await compactStats(pool, { olderThan: CUTOFF })).toEqual({
      outcome: 'done',
      rowsMoved: 0,
    });
  });

  it('stays exact when compacted runs are deleted (retention) and when old runs arrive late', async () => {
    // Every third run of hours 1-3 and 8-9, compacted or not, with its steps (the cascade).
    const deleted = await pool.query(
      `DELETE FROM runs WHERE id IN (
         SELECT id FROM runs WHERE ${FINISHED}
            AND (finished_at < $1 OR finished_at >= $2)
            AND finished_at >= $3 AND abs(hashtext(id::text)) % 3 = 0)`,
      [hourAt(4), CUTOFF, hourAt(1)],
    );
    expect(deleted.rowCount).toBeGreaterThan(100);
    // Every run of hour 0 of one flow: its hour row comes to nothing once compacted.
    await pool.query(
      'DELETE FROM runs WHERE flow_id = $1 AND finished_at >= $2 AND finished_at < $3',
      [flowIds[0], hourAt(0), hourAt(1)],
    );
    await seedRuns(300, 2, 9, 2); // finished long ago, inserted now
    for (const [, from, to] of ranges) await expectFiguresEqualRawCounts(from, to);
    expect((await rowCounts()).old_run_minutes).toBeGreaterThan(0);

    await compactStats(pool, { olderThan: CUTOFF, batchSize: 50 });
    for (const [, from, to] of ranges) await expectFiguresEqualRawCounts(from, to);
    const empty = await pool.query(
      'SELECT count(*)::int AS n FROM run_stats_hour WHERE flow_id = $1 AND hour = $2',
      [flowIds[0], hourAt(0)],
    );
    expect(empty.rows[0]?.n).toBe(0);
    const negative = await pool.query(
      `SELECT count(*)::int AS n FROM run_stats_hour
        WHERE succeeded < 0 OR failed < 0 OR cancelled < 0 OR 0 > ANY (duration_histogram)`,
    );
    expect(negative.rows[0]?.n).toBe(0);
  });

  it('neither loses nor double-counts runs finishing and arriving while compaction runs', async () => {
    // Queued runs of old hours, finished one by one (the trigger's update path) during compaction.
    await pool.query(
      `INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, created_at)
       SELECT gen_random_uuid(), f, (SELECT id FROM flow_versions v WHERE v.flow_id = f), 'api', 'queued', $2
         FROM unnest($1::uuid[]) AS f, generate_series(1, 40)`,
      [flowIds, hourAt(3)],
    );
    const queued = await pool.query<{ id: string }>(
      "SELECT id FROM runs WHERE status = 'queued' ORDER BY id",
    );
    let compacting = true;
    const compactions = (async () => {
      let passes = 0;
      while (compacting || passes < 2) {
        await compactStats(pool, { olderThan: CUTOFF, batchSize: 7 });
        passes += 1;
      }
      return passes;
    })();
    const writers = (async () => {
      for (const [index, row] of queued.rows.entries()) {
        await pool.query(
          `UPDATE runs SET status = $2, started_at = $3::timestamptz,
                  finished_at = $3::timestamptz + interval '1 second', duration_ms = 1000 + $4::int
            WHERE id = $1`,
          [
            row.id,
            index % 5 === 0 ? 'failed' : 'succeeded',
            new Date(hourAt(3).getTime() + index * 97_000),
            index,
          ],
        );
        if (index % 20 === 0) await seedRuns(15, 1, 9, 100 + index);
      }
      compacting = false;
    })();
    const [passes] = await Promise.all([compactions, writers]);
    expect(passes).toBeGreaterThan(1);
    await compactStats(pool, { olderThan: CUTOFF });
    for (const [, from, to] of ranges) await expectFiguresEqualRawCounts(from, to);
  });

  it('is compacted by the scheduled job of a worker process on its own', async () => {
    await seedRuns(100, 8, 10, 3);
    const compactor = new StatsCompactor({
      pool,
      config: { intervalMs: 1_000, batchSize: 100 },
      logger: { info: () => undefined, error: () => undefined },
      random: () => 0,
    });
    compactor.start();
    try {
      // The default window keeps the last 2-3 hours as minutes: these are days old.
      await vi.waitFor(
        async () => {
          const { rows } = await pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM run_stats_minute WHERE minute < $1',
            [hourAt(10)],
          );
          expect(rows[0]?.n).toBe(0);
        },
        { timeout: 15_000, interval: 200 },
      );
    } finally {
      await compactor.stop();
    }
    for (const [, from, to] of ranges) await expectFiguresEqualRawCounts(from, to);
  });

  it('lets one process compact at a time', async () => {
    const other = await pool.connect();
    try {
      await other.query("SELECT pg_advisory_lock(x'7062'::int, x'636f6d70'::int)");
      expect(await compactStats(pool, { olderThan: CUTOFF })).toEqual({ outcome: 'skipped' });
    } finally {
      await other.query("SELECT pg_advisory_unlock(x'7062'::int, x'636f6d70'::int)");
      other.release();
    }
  });
});
