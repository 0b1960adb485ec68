/**
 * runs.list's SQL: filters, text search and keyset pages on (created_at DESC, id DESC), plus an
 * estimated total. Indexes: migration 20261204040000_run_history_search.
 */
import type pg from 'pg';
import { InvalidRequestError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import type { RunStatus, RunTrigger } from './run-status.ts';

/** Search needs at least 3 characters: pg_trgm cannot use its index for shorter patterns. */
export const MIN_SEARCH_LENGTH = 3;
export const MAX_SEARCH_LENGTH = 200;
/** Below this estimate the total is counted exactly (at most this many rows + 1 are read). */
export const EXACT_TOTAL_LIMIT = 1000;

export type RunHistoryFilter = {
  flowIds?: readonly string[] | undefined;
  statuses?: readonly RunStatus[] | undefined;
  trigger?: RunTrigger | undefined;
  /** created_at >= from */
  from?: Date | undefined;
  /** created_at < to */
  to?: Date | undefined;
  errorCode?: string | undefined;
  failedNodeId?: string | undefined;
  /** Case-insensitive substring of the input's JSON text (first 4 KB) or the error message. */
  search?: string | undefined;
};

export type RunKey = { createdAt: Date; id: string };

/** `total` is exact when `totalExact`, else the planner's estimate. */
export type RunHistoryPage = {
  ids: string[];
  next: RunKey | null;
  total: number;
  totalExact: boolean;
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function whereClause(filter: RunHistoryFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.flowIds !== undefined) {
    const flowIds = filter.flowIds.filter(isUuid);
    if (filter.flowIds.length === 1 && flowIds.length === 1) {
      clauses.push(`flow_id = ${add(flowIds[0])}::uuid`);
    } else {
      clauses.push(`flow_id = ANY(${add(flowIds)}::uuid[])`);
    }
  }
  if (filter.statuses !== undefined) {
    clauses.push(
      filter.statuses.length === 1
        ? `status = ${add(filter.statuses[0])}`
        : `status = ANY(${add(filter.statuses)}::text[])`,
    );
  }
  if (filter.trigger !== undefined) clauses.push(`trigger = ${add(filter.trigger)}`);
  if (filter.from !== undefined) clauses.push(`created_at >= ${add(filter.from)}`);
  if (filter.to !== undefined) clauses.push(`created_at < ${add(filter.to)}`);
  if (filter.errorCode !== undefined) clauses.push(`(error ->> 'code') = ${add(filter.errorCode)}`);
  if (filter.failedNodeId !== undefined) {
    clauses.push(`(error ->> 'nodeId') = ${add(filter.failedNodeId)}`);
  }
  if (filter.search !== undefined) {
    clauses.push(`run_search_text(input, error) ILIKE ${add(`%${escapeLike(filter.search)}%`)}`);
  }
  return clauses;
}

/** One page of run ids, newest first, after `after` (exclusive). */
export async function queryRunHistory(
  pool: pg.Pool,
  filter: RunHistoryFilter,
  limit: number,
  after: RunKey | undefined,
): Promise<RunHistoryPage> {
  const params: unknown[] = [];
  const clauses = whereClause(filter, params);
  const filterParams = [...params];
  const filterWhere = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  if (after) {
    params.push(after.createdAt, after.id);
    clauses.push(`(created_at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(limit + 1);
  const sql = `SELECT id, created_at FROM runs ${clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
  const [rows, total] = await Promise.all([
    pool.query<{ id: string; created_at: Date }>(sql, params),
    estimateTotal(pool, filterWhere, filterParams),
  ]);
  const page = rows.rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ids: page.map((row) => row.id),
    next: rows.rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null,
    ...total,
  };
}

/**
 * The planner's row estimate for the filter (EXPLAIN, no rows read); when that is at most
 * EXACT_TOTAL_LIMIT, an exact count reading at most EXACT_TOTAL_LIMIT + 1 rows.
 */
async function estimateTotal(
  pool: pg.Pool,
  where: string,
  params: unknown[],
): Promise<{ total: number; totalExact: boolean }> {
  const explained = await pool.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM runs ${where}`,
    params,
  );
  const estimate = Math.round(explained.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  if (estimate > EXACT_TOTAL_LIMIT) return { total: estimate, totalExact: false };
  const counted = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM runs ${where} LIMIT ${EXACT_TOTAL_LIMIT + 1}) capped`,
    params,
  );
  const n = counted.rows[0]?.n ?? 0;
  return n <= EXACT_TOTAL_LIMIT
    ? { total: n, totalExact: true }
    : { total: Math.max(estimate, n), totalExact: false };
}

export function encodeRunCursor(key: RunKey): string {
  return Buffer.from(`${key.createdAt.toISOString()}|${key.id}`, 'utf8').toString('base64url');
}

export function decodeRunCursor(cursor: string): RunKey {
  const [timestamp, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(timestamp ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidRequestError(
      'INVALID_CURSOR',
      'The pagination cursor is not valid. Start again from the first page.',
    );
  }
  return { createdAt, id };
}
