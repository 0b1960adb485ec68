/**
 * `pnpm bench history` (issue 8): seeds BENCH_HISTORY_RUNS runs (1,000,000) with 5 steps each
 * into a fresh database on the local PostgreSQL (TEST_DATABASE_URL, as the server tests use),
 * with set-based SQL (generate_series), ANALYZE, then times runs.list's queries
 * (run-history-query.ts, plus the summary hydration the service does) BENCH_HISTORY_REPEAT (30)
 * times each: p50 and p95. Targets: every page < 100 ms, search < 300 ms. The seed goes through
 * the rollup triggers (run_stats_minute, step_stats_minute), and two workers' presence is seeded
 * for every minute, so the dashboard queries (stats.nodes, stats.flows, stats.activity over 24 h
 * and 7 d, through StatsService) are timed too: target < 100 ms. Before timing, the rollups are
 * compacted once (minute rows older than the compaction window into hour rows), as the workers'
 * compaction job would have by then.
 *
 * Distribution: 8 flows (skewed: the busiest has ~30 %), created over the last 30 days; ~89 %
 * succeeded, ~9.5 % failed (5 error codes, 4 failed nodes), ~1 % cancelled, a few running;
 * 4 trigger kinds; inputs of ~150 bytes of JSON text with a customer name, email and a note.
 */
import pg from 'pg';
import { createLogger } from '../../apps/server/src/logger.ts';
import {
  queryRunHistory,
  type RunHistoryFilter,
  type RunKey,
} from '../../apps/server/src/runs/run-history-query.ts';
import { LiveStatsHub } from '../../apps/server/src/stats/live-stats.ts';
import { compactStats } from '../../apps/server/src/stats/stats-compactor.ts';
import { StatsService } from '../../apps/server/src/stats/stats-service.ts';
import { createTestDatabase } from '../../apps/server/src/test-support/test-database.ts';

export type HistoryQueryTiming = {
  name: string;
  kind: 'page' | 'search' | 'stats';
  p50Ms: number;
  p95Ms: number;
  rows: number;
  total: string;
};
export type HistoryResult = {
  runs: number;
  steps: number;
  seedSeconds: number;
  /** The one compaction pass after seeding (minute rollups into hours). */
  compactSeconds: number;
  analyzeSeconds: number;
  timings: HistoryQueryTiming[];
};

const FLOWS = 8;
const PAGE = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function benchHistory(options: {
  runs: number;
  repeat: number;
  keep: boolean;
}): Promise<HistoryResult> {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  try {
    const seedStart = performance.now();
    const flowIds: string[] = [];
    for (let i = 0; i < FLOWS; i++) {
      const flow = await pool.query<{ id: string }>(
        `INSERT INTO flows (id, name, document, updated_at) VALUES (gen_random_uuid(), $1, '{}', now()) RETURNING id`,
        [`Bench flow ${i + 1}`],
      );
      const id = flow.rows[0]!.id;
      flowIds.push(id);
      await pool.query(
        `INSERT INTO flow_versions (id, flow_id, number, document) VALUES (gen_random_uuid(), $1, 1, '{}')`,
        [id],
      );
    }
    const chunk = 100_000;
    for (let start = 0; start < options.runs; start += chunk) {
      const end = Math.min(options.runs, start + chunk) - 1;
      await pool.query(
        `WITH f AS (
           SELECT array_agg(f.id ORDER BY f.name) AS ids, array_agg(v.id ORDER BY f.name) AS versions
           FROM flows f JOIN flow_versions v ON v.flow_id = f.id
         ), g AS (
           SELECT i, random() AS r, random() AS s, floor(pow(random(), 1.7) * ${FLOWS})::int + 1 AS fi
           FROM generate_series($1::int, $2::int) i
         ), ins AS (
         INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, input, error, created_at,
                           started_at, finished_at, duration_ms)
         SELECT gen_random_uuid(), f.ids[g.fi], f.versions[g.fi],
           (ARRAY['manual','api','webhook','schedule'])[1 + (g.i % 4)],
           st.status,
           jsonb_build_object(
             'customer', (ARRAY['Acme','Globex','Initech','Umbrella','Stark','Wayne','Hooli','Zoë Müller'])[1 + (g.i % 8)] || ' ' || (g.i % 5000),
             'email', 'user' || (g.i % 20000) || '@example.com',
             'orderId', g.i,
             'note', (ARRAY['express delivery','gift wrap please','call before delivery','leave at the door','invoice to head office'])[1 + (g.i % 5)]),
           CASE WHEN st.status = 'failed' THEN jsonb_build_object(
             'code', (ARRAY['HTTP_500','TIMEOUT','CIRCUIT_OPEN','RATE_LIMITED','VALIDATION_FAILED'])[1 + floor(g.s * 5)::int],
             'message', (ARRAY['upstream api.example.com answered 500','timed out after 30000 ms','circuit open for api.example.com','rate limit exceeded on api.example.com','field "email" is not valid'])[1 + floor(g.s * 5)::int] || ' (order ' || g.i || ')',
             'nodeId', (ARRAY['fetch-orders','post-invoice','transform','notify'])[1 + (g.i % 4)])
           END,
           now() - (g.i::float8 / $3::float8) * interval '30 days',
           now() - (g.i::float8 / $3::float8) * interval '30 days' + interval '5 ms',
           CASE WHEN st.status = 'running' THEN NULL ELSE now() - (g.i::float8 / $3::float8) * interval '30 days' + interval '250 ms' END,
           CASE WHEN st.status = 'running' THEN NULL ELSE 245 + (g.i % 500) END
         FROM g CROSS JOIN f
         CROSS JOIN LATERAL (SELECT CASE WHEN g.r < 0.095 THEN 'failed' WHEN g.r < 0.105 THEN 'cancelled'
                                         WHEN g.r < 0.1052 THEN 'running' ELSE 'succeeded' END AS status) st
         RETURNING id, status, started_at
         )
         INSERT INTO step_runs (id, run_id, node_id, node_type, attempt, status, input, output, started_at, finished_at, duration_ms, seq)
         SELECT gen_random_uuid(), r.id,
           (ARRAY['trigger','fetch-orders','transform','post-invoice','notify'])[k],
           (ARRAY['trigger.manual','http.request','transform.jsonata','http.request','http.request'])[k],
           1,
           CASE WHEN r.status = 'failed' AND k = 5 THEN 'failed' ELSE 'succeeded' END,
           jsonb_build_object('n', k), jsonb_build_object('ok', true, 'k', k),
           r.started_at + k * interval '40 ms', r.started_at + k * interval '40 ms' + interval '30 ms', 30, k
         FROM ins r CROSS JOIN generate_series(1, 5) k`,
        [start, end, options.runs],
      );
      console.error(
        `history bench: seeded ${end + 1} runs (${Math.round((performance.now() - seedStart) / 1000)} s)`,
      );
    }
    // Two workers alive in every minute of the 30 days (their heartbeat's presence rows).
    await pool.query(
      `INSERT INTO worker_presence_minute (minute, worker_id, role)
       SELECT m, w, 'all'
         FROM generate_series(date_trunc('minute', now() - interval '30 days'),
                              date_trunc('minute', now()), interval '1 minute') m,
              unnest(ARRAY['bench-worker-1', 'bench-worker-2']) w`,
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;
    // What the workers' compaction job (stats-compactor.ts) would have done by now: minute
    // rollups older than the compaction window moved into hour rows.
    const compactStart = performance.now();
    await compactStats(pool);
    const compactSeconds = (performance.now() - compactStart) / 1000;
    const analyzeStart = performance.now();
    await pool.query('VACUUM ANALYZE runs');
    await pool.query('VACUUM ANALYZE step_runs');
    for (const table of [
      'run_stats_minute',
      'run_stats_hour',
      'run_error_stats_minute',
      'run_error_stats_hour',
      'step_stats_minute',
      'step_stats_hour',
      'worker_presence_minute',
    ]) {
      await pool.query(`VACUUM ANALYZE ${table}`);
    }
    const analyzeSeconds = (performance.now() - analyzeStart) / 1000;
    const counts = await pool.query<{ runs: number; steps: number }>(
      'SELECT (SELECT count(*) FROM runs)::int AS runs, (SELECT count(*) FROM step_runs)::int AS steps',
    );

    const deep = await pool.query<{ created_at: Date; id: string }>(
      'SELECT created_at, id FROM runs ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1',
      [Math.floor(options.runs / 2)],
    );
    const deepKey: RunKey = { createdAt: deep.rows[0]!.created_at, id: deep.rows[0]!.id };
    const now = Date.now();
    const cases: {
      name: string;
      kind: 'page' | 'search';
      filter: RunHistoryFilter;
      after?: RunKey;
    }[] = [
      { name: 'first page, no filter', kind: 'page', filter: {} },
      {
        name: `deep page (keyset after ${Math.floor(options.runs / 2).toLocaleString('en')} rows)`,
        kind: 'page',
        filter: {},
        after: deepKey,
      },
      { name: 'one flow', kind: 'page', filter: { flowIds: [flowIds[3]!] } },
      { name: 'three flows', kind: 'page', filter: { flowIds: flowIds.slice(4, 7) } },
      { name: 'status failed', kind: 'page', filter: { statuses: ['failed'] } },
      {
        name: 'status failed, deep page',
        kind: 'page',
        filter: { statuses: ['failed'] },
        after: deepKey,
      },
      {
        name: 'status failed or cancelled',
        kind: 'page',
        filter: { statuses: ['failed', 'cancelled'] },
      },
      { name: 'status running', kind: 'page', filter: { statuses: ['running'] } },
      { name: 'trigger webhook', kind: 'page', filter: { trigger: 'webhook' } },
      {
        name: 'time range: a 24 h window 10 days ago',
        kind: 'page',
        filter: { from: new Date(now - 11 * 86_400_000), to: new Date(now - 10 * 86_400_000) },
      },
      { name: 'error code CIRCUIT_OPEN', kind: 'page', filter: { errorCode: 'CIRCUIT_OPEN' } },
      { name: 'failed node post-invoice', kind: 'page', filter: { failedNodeId: 'post-invoice' } },
      { name: 'error code, no match', kind: 'page', filter: { errorCode: 'NO_SUCH_CODE' } },
      {
        name: 'flow + failed + error code + last 7 days',
        kind: 'page',
        filter: {
          flowIds: [flowIds[0]!],
          statuses: ['failed'],
          errorCode: 'TIMEOUT',
          from: new Date(now - 7 * 86_400_000),
        },
      },
      {
        name: 'search "gift wrap" (20 % of inputs)',
        kind: 'search',
        filter: { search: 'gift wrap' },
      },
      { name: 'search "Initech 4242" (rare)', kind: 'search', filter: { search: 'Initech 4242' } },
      { name: 'search "user12345@" (rare)', kind: 'search', filter: { search: 'user12345@' } },
      {
        name: 'search "circuit open" (error message)',
        kind: 'search',
        filter: { search: 'circuit open' },
      },
      { name: 'search, no match', kind: 'search', filter: { search: 'qqqzzzxxx' } },
      {
        name: 'search "rate limit" + flow + last 7 days',
        kind: 'search',
        filter: {
          search: 'rate limit',
          flowIds: [flowIds[1]!],
          from: new Date(now - 7 * 86_400_000),
        },
      },
    ];
    const timings: HistoryQueryTiming[] = [];
    for (const c of cases) {
      const samples: number[] = [];
      let rows = 0;
      let total = '';
      for (let i = 0; i < options.repeat + 2; i++) {
        const started = performance.now();
        const page = await queryRunHistory(pool, c.filter, PAGE, c.after);
        // What RunService.list adds: the summaries with flow name and version number.
        await pool.query(
          `SELECT r.*, f.name, f.deleted_at, v.number FROM runs r JOIN flows f ON f.id = r.flow_id
           JOIN flow_versions v ON v.id = r.flow_version_id WHERE r.id = ANY($1::uuid[])`,
          [page.ids],
        );
        const ms = performance.now() - started;
        if (i >= 2) samples.push(ms); // two warm-up executions
        rows = page.ids.length;
        total = `${page.totalExact ? '' : '≈'}${page.total}`;
      }
      samples.sort((a, b) => a - b);
      timings.push({
        name: c.name,
        kind: c.kind,
        p50Ms: percentile(samples, 50),
        p95Ms: percentile(samples, 95),
        rows,
        total,
      });
      console.error(JSON.stringify(timings.at(-1)));
    }
    const stats = new StatsService({
      pool,
      // Never subscribed to here: opens no connection.
      live: new LiveStatsHub({
        pool,
        connectionString: database.url,
        logger: createLogger({ LOG_LEVEL: 'warn' }),
      }),
    });
    const statsCases: { name: string; query: () => Promise<unknown> }[] = [];
    for (const [label, spanMs] of [
      ['24 h', 86_400_000],
      ['7 d', 7 * 86_400_000],
    ] as const) {
      const range = { from: new Date(now - spanMs), to: new Date(now) };
      statsCases.push(
        { name: `stats.overview, ${label}`, query: () => stats.overview(range) },
        {
          name: `stats.overview, one flow, ${label}`,
          query: () => stats.overview({ ...range, flowId: flowIds[0]! }),
        },
        { name: `stats.timeseries, ${label}`, query: () => stats.timeseries(range) },
        {
          name: `stats.topErrors, ${label}`,
          query: () => stats.topErrors({ ...range, limit: 10 }),
        },
        {
          name: `stats.upstreams, ${label}`,
          query: () => stats.upstreams({ ...range, limit: 20 }),
        },
        { name: `stats.nodes, ${label}`, query: () => stats.nodes({ ...range, limit: 50 }) },
        {
          name: `stats.nodes, one flow, ${label}`,
          query: () => stats.nodes({ ...range, flowId: flowIds[0]!, limit: 50 }),
        },
        { name: `stats.flows, ${label}`, query: () => stats.flows({ ...range, limit: 10 }) },
        { name: `stats.activity, ${label}`, query: () => stats.activity(range) },
        {
          name: `stats.activity, one flow, ${label}`,
          query: () => stats.activity({ ...range, flowId: flowIds[0]! }),
        },
      );
    }
    for (const c of statsCases) {
      const samples: number[] = [];
      let rows = 0;
      for (let i = 0; i < options.repeat + 2; i++) {
        const started = performance.now();
        const result = (await c.query()) as
          | unknown[]
          | {
              nodes?: unknown[];
              flows?: unknown[];
              buckets?: unknown[];
            };
        const ms = performance.now() - started;
        if (i >= 2) samples.push(ms);
        rows = Array.isArray(result)
          ? result.length
          : (result.nodes ?? result.flows ?? result.buckets ?? []).length;
      }
      samples.sort((a, b) => a - b);
      timings.push({
        name: c.name,
        kind: 'stats',
        p50Ms: percentile(samples, 50),
        p95Ms: percentile(samples, 95),
        rows,
        total: '',
      });
      console.error(JSON.stringify(timings.at(-1)));
    }
    return {
      runs: counts.rows[0]!.runs,
      steps: counts.rows[0]!.steps,
      seedSeconds,
      compactSeconds,
      analyzeSeconds,
      timings,
    };
  } finally {
    await pool.end();
    if (options.keep) console.error(`history bench: kept database ${database.name}`);
    else await database.drop();
  }
}

export function historyRows(result: HistoryResult): string[] {
  const target = (t: HistoryQueryTiming) => (t.kind === 'search' ? 300 : 100);
  const listed = result.timings.filter((t) => t.kind !== 'stats');
  const dashboard = result.timings.filter((t) => t.kind === 'stats');
  return [
    `Run history on ${result.runs.toLocaleString('en')} runs and ${result.steps.toLocaleString('en')} steps (seeded in ${result.seedSeconds.toFixed(0)} s, rollups compacted in ${result.compactSeconds.toFixed(0)} s, VACUUM ANALYZE ${result.analyzeSeconds.toFixed(0)} s); one page of ${PAGE} runs with its total:`,
    '',
    '| query | rows | total | p50 | p95 | target |',
    '| --- | --- | --- | --- | --- | --- |',
    ...listed.map(
      (t) =>
        `| ${t.name} | ${t.rows} | ${t.total} | ${t.p50Ms.toFixed(1)} ms | ${t.p95Ms.toFixed(1)} ms | ${t.p95Ms < target(t) ? '✓' : '✗'} < ${target(t)} ms |`,
    ),
    '',
    'Dashboard queries from the rollups (StatsService; rows: nodes, flows or buckets returned):',
    '',
    '| query | rows | p50 | p95 | target |',
    '| --- | --- | --- | --- | --- |',
    ...dashboard.map(
      (t) =>
        `| ${t.name} | ${t.rows} | ${t.p50Ms.toFixed(1)} ms | ${t.p95Ms.toFixed(1)} ms | ${t.p95Ms < target(t) ? '✓' : '✗'} < ${target(t)} ms |`,
    ),
    '',
  ];
}
