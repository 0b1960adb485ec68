/**
 * stats.activity: per time bucket, finished runs, step attempts, retries, waits on breakers and
 * rate limits (step_stats_minute) and the worker processes alive (worker_presence_minute), with
 * the same buckets as stats.timeseries, empty ones included.
 */
import type pg from 'pg';
import { type BucketPlan, bucketStarts } from './stats-buckets.ts';
import { MINUTES_IN_RANGE, rollupRowsInRange } from './stats-flow-filter.ts';

export type ActivityBucket = {
  at: string;
  /** Runs that finished in the bucket. */
  runs: number;
  /** Step attempts that finished in the bucket (succeeded or failed). */
  attempts: number;
  /** Attempts after a node's first. */
  retries: number;
  /** attempts / runs; null when no run finished. */
  attemptsPerRun: number | null;
  breakerWaitMs: number;
  rateLimitWaitMs: number;
  rateLimitWaits: number;
  /** Distinct worker processes alive at some time in the bucket (of every flow). */
  workersAlive: number;
};

/** What the activity reads of a step rollup row (not its histogram). */
const STEP_COLUMNS =
  'flow_id, minute, succeeded, failed, retries, breaker_wait_ms, rate_limit_wait_ms, rate_limit_waits';

/** `flowId` already checked; null: every flow. Workers are counted whatever the flow. */
export async function activityStats(
  pool: pg.Pool,
  range: { from: Date; to: Date; flowId: string | null },
  plan: BucketPlan,
): Promise<ActivityBucket[]> {
  const params = [range.from, range.to, range.flowId, plan.interval];
  // An hour row starting before the first bucket (the range starts within a compacted hour)
  // counts in the first bucket, as it counts in the range.
  const bucketOfMinute = `GREATEST(date_bin($4::interval, minute, 'epoch'::timestamptz),
                                    date_bin($4::interval, $1::timestamptz, 'epoch'::timestamptz))`;
  const flowFilter = `($3::uuid IS NULL OR flow_id = $3)`;
  const [runs, steps, workers] = await Promise.all([
    pool.query<{ at: Date; runs: string }>(
      `SELECT ${bucketOfMinute} AS at, sum(succeeded + failed + cancelled) AS runs
         FROM ${rollupRowsInRange('run_stats', 'flow_id, minute, succeeded, failed, cancelled')} s
        WHERE ${flowFilter}
        GROUP BY 1`,
      params,
    ),
    pool.query<{
      at: Date;
      attempts: string;
      retries: string;
      breaker_wait_ms: string;
      rate_limit_wait_ms: string;
      rate_limit_waits: string;
    }>(
      `SELECT ${bucketOfMinute} AS at, sum(succeeded + failed) AS attempts, sum(retries) AS retries,
              sum(breaker_wait_ms) AS breaker_wait_ms, sum(rate_limit_wait_ms) AS rate_limit_wait_ms,
              sum(rate_limit_waits) AS rate_limit_waits
         FROM ${rollupRowsInRange('step_stats', STEP_COLUMNS)} s WHERE ${flowFilter}
        GROUP BY 1`,
      params,
    ),
    pool.query<{ at: Date; workers: number }>(
      `SELECT date_bin($3::interval, minute, 'epoch'::timestamptz) AS at,
              count(DISTINCT worker_id)::int AS workers
         FROM worker_presence_minute WHERE ${MINUTES_IN_RANGE}
        GROUP BY 1`,
      [range.from, range.to, plan.interval],
    ),
  ]);
  const runsAt = new Map(runs.rows.map((row) => [row.at.getTime(), Number(row.runs)]));
  const stepsAt = new Map(steps.rows.map((row) => [row.at.getTime(), row]));
  const workersAt = new Map(workers.rows.map((row) => [row.at.getTime(), row.workers]));
  return bucketStarts(plan).map((at) => {
    const finished = runsAt.get(at) ?? 0;
    const step = stepsAt.get(at);
    const attempts = Number(step?.attempts ?? 0);
    return {
      at: new Date(at).toISOString(),
      runs: finished,
      attempts,
      retries: Number(step?.retries ?? 0),
      attemptsPerRun: finished === 0 ? null : attempts / finished,
      breakerWaitMs: Number(step?.breaker_wait_ms ?? 0),
      rateLimitWaitMs: Number(step?.rate_limit_wait_ms ?? 0),
      rateLimitWaits: Number(step?.rate_limit_waits ?? 0),
      workersAlive: workersAt.get(at) ?? 0,
    };
  });
}
