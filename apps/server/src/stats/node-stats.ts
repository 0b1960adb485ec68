/**
 * stats.nodes: per flow node and per node type, finished attempts, failures, duration percentiles,
 * retries and waits in a range, from step_stats_minute (migration 20261204050000_step_stats says
 * what a step row counts as). Reads rollups only: its cost grows with minutes x nodes that ran,
 * not with runs.
 */
import type pg from 'pg';
import { estimateQuantile } from './duration-histogram.ts';
import { type HistogramRow, histogramsByKey } from './histogram-rows.ts';
import { rollupRowsInRange } from './stats-flow-filter.ts';

export type NodeStats = {
  flowId: string;
  flowName: string;
  nodeId: string;
  /**
   * From the flow's latest version: the node's label, or its id when it has none; null when the
   * node is no longer in that version.
   */
  nodeLabel: string | null;
  nodeType: string;
  /** Finished attempts (succeeded or failed). */
  steps: number;
  failed: number;
  /** failed / steps; null without a finished attempt. */
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Attempts after a node's first. */
  retries: number;
  /** Time attempts waited on open breakers and rate limits. */
  waitMs: number;
};

export type NodeTypeStats = {
  nodeType: string;
  steps: number;
  failed: number;
  errorRate: number | null;
  p95Ms: number | null;
};

export type NodesStats = { nodes: NodeStats[]; nodeTypes: NodeTypeStats[] };

type TotalsRow = {
  flow_id: string;
  node_id: string;
  node_type: string;
  steps: string;
  failed: string;
  retries: string;
  wait_ms: string;
};

/** `flowId` already checked (statsFlowFilter); null: every flow. */
/** What the histogram query reads of a step rollup row. */
const HISTOGRAM_COLUMNS =
  'flow_id, node_type, node_id, duration_histogram, duration_low_bucket, duration_high_bucket';

export async function nodeStats(
  pool: pg.Pool,
  range: { from: Date; to: Date; flowId: string | null; limit: number },
): Promise<NodesStats> {
  const params = [range.from, range.to, range.flowId];
  const where = `($3::uuid IS NULL OR flow_id = $3)`;
  const keyOf = `flow_id::text || ' ' || node_type || ' ' || node_id`;
  const [totals, histograms] = await Promise.all([
    pool.query<TotalsRow>(
      `SELECT flow_id, node_id, node_type, sum(succeeded + failed) AS steps, sum(failed) AS failed,
              sum(retries) AS retries, sum(breaker_wait_ms + rate_limit_wait_ms) AS wait_ms
         FROM ${rollupRowsInRange('step_stats')} s WHERE ${where}
        GROUP BY flow_id, node_id, node_type
       HAVING sum(succeeded + failed) > 0`,
      params,
    ),
    pool.query<HistogramRow>(
      // Only each row's slice between its lowest and highest bucket (1-based array bounds),
      // grouped by the key's columns; the text key is built once per group, not per element
      // (twice as fast on a day of rows).
      `SELECT ${keyOf} AS key, g.bucket, g.n
         FROM (SELECT s.flow_id, s.node_type, s.node_id, s.duration_low_bucket + h.i - 1 AS bucket,
                      sum(h.n) AS n
                 FROM ${rollupRowsInRange('step_stats', HISTOGRAM_COLUMNS)} s,
                      unnest(s.duration_histogram[s.duration_low_bucket + 1 : s.duration_high_bucket + 1])
                        WITH ORDINALITY AS h(n, i)
                WHERE ${where} AND h.n <> 0
                GROUP BY 1, 2, 3, 4) g`,
      params,
    ),
  ]);
  const histogramOf = histogramsByKey(histograms.rows);

  const ranked = totals.rows.map((row) => {
    const counts = histogramOf.get(`${row.flow_id} ${row.node_type} ${row.node_id}`);
    return {
      row,
      counts,
      p95Ms: counts ? estimateQuantile(counts, 0.95) : null,
    };
  });
  // Slowest p95 first; nodes without a duration last; then most steps, then by key for a stable order.
  ranked.sort(
    (a, b) =>
      (b.p95Ms ?? -1) - (a.p95Ms ?? -1) ||
      Number(b.row.steps) - Number(a.row.steps) ||
      compare(a.row.flow_id, b.row.flow_id) ||
      compare(a.row.node_id, b.row.node_id) ||
      compare(a.row.node_type, b.row.node_type),
  );
  const shown = ranked.slice(0, range.limit);
  const labels = await nodeLabels(pool, [...new Set(shown.map((entry) => entry.row.flow_id))]);

  const nodes = shown.map(({ row, counts, p95Ms }): NodeStats => {
    const steps = Number(row.steps);
    const failed = Number(row.failed);
    const flow = labels.get(row.flow_id);
    return {
      flowId: row.flow_id,
      flowName: flow?.name ?? '',
      nodeId: row.node_id,
      nodeLabel: flow?.nodes.get(row.node_id) ?? null,
      nodeType: row.node_type,
      steps,
      failed,
      errorRate: steps === 0 ? null : failed / steps,
      p50Ms: counts ? estimateQuantile(counts, 0.5) : null,
      p95Ms,
      retries: Number(row.retries),
      waitMs: Number(row.wait_ms),
    };
  });
  return { nodes, nodeTypes: byNodeType(ranked) };
}

function byNodeType(
  entries: readonly { row: TotalsRow; counts: number[] | undefined }[],
): NodeTypeStats[] {
  const types = new Map<string, { steps: number; failed: number; counts: number[] | undefined }>();
  for (const { row, counts } of entries) {
    const entry = types.get(row.node_type) ?? { steps: 0, failed: 0, counts: undefined };
    entry.steps += Number(row.steps);
    entry.failed += Number(row.failed);
    if (counts) entry.counts = entry.counts ? addCounts(entry.counts, counts) : [...counts];
    types.set(row.node_type, entry);
  }
  return [...types.entries()]
    .map(([nodeType, entry]) => ({
      nodeType,
      steps: entry.steps,
      failed: entry.failed,
      errorRate: entry.steps === 0 ? null : entry.failed / entry.steps,
      p95Ms: entry.counts ? estimateQuantile(entry.counts, 0.95) : null,
    }))
    .sort((a, b) => (b.p95Ms ?? -1) - (a.p95Ms ?? -1) || compare(a.nodeType, b.nodeType));
}

function addCounts(into: number[], counts: readonly number[]): number[] {
  for (let index = 0; index < counts.length; index++) {
    into[index] = (into[index] ?? 0) + (counts[index] ?? 0);
  }
  return into;
}

/** Each flow's name and, from its latest version, its nodes' labels (the id when unlabelled). */
async function nodeLabels(
  pool: pg.Pool,
  flowIds: readonly string[],
): Promise<Map<string, { name: string; nodes: Map<string, string> }>> {
  const result = new Map<string, { name: string; nodes: Map<string, string> }>();
  if (flowIds.length === 0) return result;
  const { rows } = await pool.query<{
    flow_id: string;
    name: string;
    nodes: { id: string; label: string | null }[] | null;
  }>(
    `SELECT f.id AS flow_id, f.name,
            (SELECT json_agg(json_build_object('id', n ->> 'id', 'label', n ->> 'label'))
               FROM jsonb_array_elements(
                      CASE WHEN jsonb_typeof(v.document -> 'nodes') = 'array'
                           THEN v.document -> 'nodes' ELSE '[]'::jsonb END) AS n) AS nodes
       FROM flows f
       LEFT JOIN LATERAL (SELECT document FROM flow_versions
                           WHERE flow_id = f.id ORDER BY number DESC LIMIT 1) v ON true
      WHERE f.id = ANY($1::uuid[])`,
    [flowIds],
  );
  for (const row of rows) {
    const nodes = new Map<string, string>();
    for (const node of row.nodes ?? []) {
      if (typeof node.id === 'string') nodes.set(node.id, node.label ?? node.id);
    }
    result.set(row.flow_id, { name: row.name, nodes });
  }
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
