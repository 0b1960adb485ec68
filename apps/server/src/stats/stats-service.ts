/**
 * Dashboard figures. Finished runs come from the per-minute rollups (run_stats_minute,
 * run_error_stats_minute) that the runs_stats_on_finish trigger keeps, so a query costs the
 * same on 1 M runs as on 1,000; runs in flight and queued are counted from runs (indexed by status).
 * Minute rows older than the compaction window (2–3 hours) are moved into hour rows
 * (run_stats_hour, …; stats-compactor.ts), and queries read both (rollupRowsInRange). A range
 * covers whole minutes: from is rounded down to its minute, and a minute counts when it starts
 * before `to`; where the range reaches back into compacted hours it covers whole hours there: an
 * hour counts when it starts at or after from's hour and before `to`.
 */
import type pg from 'pg';
import { RUN_STATUS } from '../runs/run-status.ts';
import { type ActivityBucket, activityStats } from './activity-stats.ts';
import { estimateQuantile } from './duration-histogram.ts';
import { type FlowStats, flowStats } from './flow-stats.ts';
import { emptyHistogram, type HistogramRow, histogramsByKey } from './histogram-rows.ts';
import type { LiveStatsEvent, LiveStatsHub } from './live-stats.ts';
import { type NodesStats, nodeStats } from './node-stats.ts';
import { bucketStarts, planBuckets, type StatsBucket } from './stats-buckets.ts';
import { rollupRowsInRange, statsFlowFilter } from './stats-flow-filter.ts';
import { type UpstreamStats, upstreamStats } from './upstream-stats.ts';

export {
  defaultBucket,
  MAX_TIMESERIES_BUCKETS,
  STATS_BUCKET_NAMES,
  STATS_BUCKETS,
  type StatsBucket,
} from './stats-buckets.ts';

export type StatsRange = { from: Date; to: Date; flowId?: string | undefined };

export type StatsOverview = {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  running: number;
  queued: number;
  /** succeeded / (succeeded + failed); null when none of either finished in the range. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
};

export type StatsTimeseries = {
  bucket: StatsBucket;
  buckets: {
    at: string;
    succeeded: number;
    failed: number;
    cancelled: number;
    p95Ms: number | null;
  }[];
};

export type TopError = { code: string; flowId: string; count: number; lastAt: string };

export type StatsActivity = { bucket: StatsBucket; buckets: ActivityBucket[] };

export class StatsService {
  readonly #pool: pg.Pool;
  readonly #live: LiveStatsHub;

  constructor(options: { pool: pg.Pool; live: LiveStatsHub }) {
    this.#pool = options.pool;
    this.#live = options.live;
  }

  async overview(range: StatsRange): Promise<StatsOverview> {
    const flowId = await this.#flowFilter(range.flowId);
    const params = [range.from, range.to, flowId];
    const [totals, histogram, live] = await Promise.all([
      this.#pool.query<{ succeeded: string; failed: string; cancelled: string }>(
        `SELECT COALESCE(sum(succeeded), 0) AS succeeded, COALESCE(sum(failed), 0) AS failed,
                COALESCE(sum(cancelled), 0) AS cancelled
           FROM ${rollupRowsInRange('run_stats')} s
          WHERE ($3::uuid IS NULL OR flow_id = $3)`,
        params,
      ),
      this.#pool.query<HistogramRow>(
        `SELECT '' AS key, h.i - 1 AS bucket, sum(h.n) AS n
           FROM ${rollupRowsInRange('run_stats')} s,
                unnest(s.duration_histogram) WITH ORDINALITY AS h(n, i)
          WHERE ($3::uuid IS NULL OR s.flow_id = $3) AND h.n <> 0
          GROUP BY h.i`,
        params,
      ),
      this.#pool.query<{ running: number; queued: number }>(
        `SELECT count(*) FILTER (WHERE status = '${RUN_STATUS.running}')::int AS running,
                count(*) FILTER (WHERE status = '${RUN_STATUS.queued}')::int AS queued
           FROM runs
          WHERE status IN ('${RUN_STATUS.running}', '${RUN_STATUS.queued}')
            AND ($1::uuid IS NULL OR flow_id = $1)`,
        [flowId],
      ),
    ]);
    const row = totals.rows[0];
    const succeeded = Number(row?.succeeded ?? 0);
    const failed = Number(row?.failed ?? 0);
    const cancelled = Number(row?.cancelled ?? 0);
    const counts = histogramsByKey(histogram.rows).get('') ?? emptyHistogram();
    return {
      total: succeeded + failed + cancelled,
      succeeded,
      failed,
      cancelled,
      running: live.rows[0]?.running ?? 0,
      queued: live.rows[0]?.queued ?? 0,
      successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
      p50Ms: estimateQuantile(counts, 0.5),
      p95Ms: estimateQuantile(counts, 0.95),
      p99Ms: estimateQuantile(counts, 0.99),
    };
  }

  async timeseries(
    range: StatsRange & { bucket?: StatsBucket | undefined },
  ): Promise<StatsTimeseries> {
    const flowId = await this.#flowFilter(range.flowId);
    const plan = planBuckets(range);
    // Buckets are aligned to the epoch (UTC): 1d buckets start at midnight UTC.
    const params = [range.from, range.to, flowId, plan.interval];
    const bucketOfMinute = `GREATEST(date_bin($4::interval, s.minute, 'epoch'::timestamptz),
                                      date_bin($4::interval, $1::timestamptz, 'epoch'::timestamptz))`;
    const [totals, histograms] = await Promise.all([
      this.#pool.query<{ at: Date; succeeded: string; failed: string; cancelled: string }>(
        `SELECT ${bucketOfMinute} AS at, sum(s.succeeded) AS succeeded, sum(s.failed) AS failed,
                sum(s.cancelled) AS cancelled
           FROM ${rollupRowsInRange('run_stats')} s
          WHERE ($3::uuid IS NULL OR s.flow_id = $3)
          GROUP BY 1`,
        params,
      ),
      this.#pool.query<HistogramRow>(
        // Grouped by the bucket's start; its text key is built once per group, not per element.
        `SELECT (extract(epoch FROM g.at) * 1000)::bigint::text AS key, g.bucket, g.n
           FROM (SELECT ${bucketOfMinute} AS at, h.i - 1 AS bucket, sum(h.n) AS n
                   FROM ${rollupRowsInRange('run_stats', 'flow_id, minute, duration_histogram')} s,
                        unnest(s.duration_histogram) WITH ORDINALITY AS h(n, i)
                  WHERE ($3::uuid IS NULL OR s.flow_id = $3) AND h.n <> 0
                  GROUP BY 1, 2) g`,
        params,
      ),
    ]);
    const byStart = new Map(totals.rows.map((row) => [row.at.getTime(), row]));
    const histogramOf = histogramsByKey(histograms.rows);
    const buckets: StatsTimeseries['buckets'] = [];
    for (const at of bucketStarts(plan)) {
      const row = byStart.get(at);
      const counts = histogramOf.get(String(at));
      buckets.push({
        at: new Date(at).toISOString(),
        succeeded: Number(row?.succeeded ?? 0),
        failed: Number(row?.failed ?? 0),
        cancelled: Number(row?.cancelled ?? 0),
        p95Ms: counts ? estimateQuantile(counts, 0.95) : null,
      });
    }
    return { bucket: plan.bucket, buckets };
  }

  /** Error codes of failed runs, per flow, most frequent first. */
  async topErrors(range: StatsRange & { limit: number }): Promise<TopError[]> {
    const flowId = await this.#flowFilter(range.flowId);
    const { rows } = await this.#pool.query<{
      code: string;
      flow_id: string;
      count: string;
      last_at: Date;
    }>(
      `SELECT code, flow_id, sum(count) AS count, max(last_at) AS last_at
         FROM ${rollupRowsInRange('run_error_stats')} e
        WHERE ($3::uuid IS NULL OR flow_id = $3)
        GROUP BY code, flow_id
       HAVING sum(count) > 0
        ORDER BY count DESC, last_at DESC, code, flow_id
        LIMIT $4`,
      [range.from, range.to, flowId, range.limit],
    );
    return rows.map((row) => ({
      code: row.code,
      flowId: row.flow_id,
      count: Number(row.count),
      lastAt: row.last_at.toISOString(),
    }));
  }

  /** Breaker state and timeline, and rate limit, per upstream target. */
  upstreams(range: { from: Date; to: Date; limit: number }): Promise<UpstreamStats[]> {
    return upstreamStats(this.#pool, range);
  }

  /** Per flow node and per node type: attempts, failures, p50/p95, retries and waits. */
  async nodes(range: StatsRange & { limit: number }): Promise<NodesStats> {
    const flowId = await this.#flowFilter(range.flowId);
    return nodeStats(this.#pool, { from: range.from, to: range.to, flowId, limit: range.limit });
  }

  /** The flows with the most failed runs (top failing flows). */
  async flows(range: { from: Date; to: Date; limit: number }): Promise<{ flows: FlowStats[] }> {
    return { flows: await flowStats(this.#pool, range) };
  }

  /** Per bucket: runs, attempts, retries, breaker and rate-limit waits, workers alive. */
  async activity(range: StatsRange & { bucket?: StatsBucket | undefined }): Promise<StatsActivity> {
    const flowId = await this.#flowFilter(range.flowId);
    const plan = planBuckets(range);
    const buckets = await activityStats(
      this.#pool,
      { from: range.from, to: range.to, flowId },
      plan,
    );
    return { bucket: plan.bucket, buckets };
  }

  /** Live counts, at most once a second while runs start or finish, else every 15 s. */
  async *live(flowId: string | undefined, signal: AbortSignal): AsyncGenerator<LiveStatsEvent> {
    const filter = await this.#flowFilter(flowId);
    yield* this.#live.subscribe(filter, signal);
  }

  /** Live subscriptions open in this process. */
  get liveSubscribers(): number {
    return this.#live.subscriberCount;
  }

  /** Ends every live subscription (shutdown). */
  stopLive(): Promise<void> {
    return this.#live.stop();
  }

  #flowFilter(flowId: string | undefined): Promise<string | null> {
    return statsFlowFilter(this.#pool, flowId);
  }
}
