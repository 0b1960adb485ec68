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

/** The rollup rows of a range: whole minutes from `from`'s minute, each starting before `to`. */
export const MINUTES_IN_RANGE = `minute >= date_trunc('minute', $1::timestamptz) AND minute < $2`;
