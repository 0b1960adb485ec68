/**
 * stats.flows: the flows with the most failed runs in a range (top failing flows), with their
 * outcomes, success rate and p95, from run_stats_minute.
 */
import type pg from 'pg';
import { estimateQuantile } from './duration-histogram.ts';
import { type HistogramRow, histogramsByKey } from './histogram-rows.ts';
import { rollupRowsInRange } from './stats-flow-filter.ts';

export type FlowStats = {
  flowId: string;
  flowName: string;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / (succeeded + failed); null when none of either finished in the range. */
  successRate: number | null;
  p95Ms: number | null;
};

/** Most failures first, then the lowest success rate, then the most runs, then by name. */
export async function flowStats(
  pool: pg.Pool,
  range: { from: Date; to: Date; limit: number },
): Promise<FlowStats[]> {
  const totals = await pool.query<{
    flow_id: string;
    name: string;
    succeeded: string;
    failed: string;
    cancelled: string;
  }>(
    `SELECT s.flow_id, f.name, s.succeeded, s.failed, s.cancelled
       FROM (SELECT flow_id, sum(succeeded) AS succeeded, sum(failed) AS failed,
                    sum(cancelled) AS cancelled
               FROM ${rollupRowsInRange('run_stats')} r
              GROUP BY flow_id
             HAVING sum(succeeded + failed + cancelled) > 0) s
       JOIN flows f ON f.id = s.flow_id
      ORDER BY s.failed DESC,
               s.succeeded::float8 / NULLIF(s.succeeded + s.failed, 0) ASC NULLS LAST,
               s.succeeded + s.failed + s.cancelled DESC, f.name, s.flow_id
      LIMIT $3`,
    [range.from, range.to, range.limit],
  );
  const flowIds = totals.rows.map((row) => row.flow_id);
  const histograms =
    flowIds.length === 0
      ? { rows: [] }
      : await pool.query<HistogramRow>(
          `SELECT s.flow_id::text AS key, h.i - 1 AS bucket, sum(h.n) AS n
             FROM ${rollupRowsInRange('run_stats')} s,
                  unnest(s.duration_histogram) WITH ORDINALITY AS h(n, i)
            WHERE s.flow_id = ANY($3::uuid[]) AND h.n <> 0
            GROUP BY s.flow_id, h.i`,
          [range.from, range.to, flowIds],
        );
  const histogramOf = histogramsByKey(histograms.rows);
  return totals.rows.map((row) => {
    const succeeded = Number(row.succeeded);
    const failed = Number(row.failed);
    const counts = histogramOf.get(row.flow_id);
    return {
      flowId: row.flow_id,
      flowName: row.name,
      succeeded,
      failed,
      cancelled: Number(row.cancelled),
      successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
      p95Ms: counts ? estimateQuantile(counts, 0.95) : null,
    };
  });
}
