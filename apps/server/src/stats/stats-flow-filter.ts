/** The flow a stats query filters by (null: every flow); an unknown flow is NOT_FOUND, not zeros. */
import type pg from 'pg';
import { NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';

export async function statsFlowFilter(
  pool: pg.Pool,
  flowId: string | undefined,
): Promise<string | null> {
  if (flowId === undefined) return null;
  if (isUuid(flowId)) {
    const { rowCount } = await pool.query('SELECT 1 FROM flows WHERE id = $1', [flowId]);
    if (rowCount) return flowId;
  }
  throw new NotFoundError('Flow', flowId);
}

/** The minute rows of a range: whole minutes from `from`'s minute, each starting before `to`. */
export const MINUTES_IN_RANGE = `minute >= date_trunc('minute', $1::timestamptz) AND minute < $2`;
/** The hour rows of a range (compacted minutes): whole hours from `from`'s hour, each starting before `to`. */
export const HOURS_IN_RANGE = `hour >= date_bin('1 hour', $1::timestamptz, 'epoch') AND hour < $2`;

/**
 * The rows of a rollup in the range ($1 from, $2 to) as one relation: its minute rows and its
 * hour rows (minutes compacted by stats_compact, see stats-compactor.ts), the hour in the
 * `minute` column. Every finished run or step is in exactly one of them, so sums over this
 * relation are exact; a range reaching back before the compaction window starts at whole hours
 * there. Columns are those of the minute table (the hour table has the same, in the same order).
 */
export function rollupRowsInRange(
  rollup: 'run_stats' | 'run_error_stats' | 'step_stats',
  /** The columns read (by default all); a short list keeps the histograms out when not needed. */
  columns = '*',
): string {
  const hourColumns =
    columns === '*'
      ? '*'
      : columns
          .split(',')
          .map((column) => (column.trim() === 'minute' ? 'hour AS minute' : column.trim()))
          .join(', ');
  return `(SELECT ${columns} FROM ${rollup}_minute WHERE ${MINUTES_IN_RANGE}
            UNION ALL
           SELECT ${hourColumns} FROM ${rollup}_hour WHERE ${HOURS_IN_RANGE})`;
}
