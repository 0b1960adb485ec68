/** Rate limits for the API: each target's configured limit, throttle and current usage. */
import type { RateLimitShape } from '@patchbay/engine';
import type pg from 'pg';
import { NotFoundError } from '../domain-errors.ts';
import { type RateLimitView, toRateLimitView } from './resilience-views.ts';
import {
  NOW_COLUMN,
  RATE_COLUMNS,
  type RateColumns,
  toRateLimitSnapshot,
} from './upstream-state-store.ts';

type RateRow = RateColumns & {
  target: string;
  limit: number | null;
  period_ms: number | null;
  burst: number | null;
  updated_at_ms: number;
  now_ms: number;
};

/**
 * Rows with neither a limit nor a throttle exist only because a breaker decision locked them;
 * they are not rate limits as far as the API is concerned.
 */
const SELECT_LIMITS = `
  SELECT r.target, r."limit", r.period_ms, r.burst,
         (extract(epoch from r.updated_at) * 1000)::float8 AS updated_at_ms,
         ${RATE_COLUMNS}, ${NOW_COLUMN}
    FROM rate_limits r
   WHERE (r."limit" IS NOT NULL OR r.throttled_until IS NOT NULL)`;

export class RateLimitService {
  constructor(private readonly deps: { pool: pg.Pool }) {}

  async list(): Promise<RateLimitView[]> {
    const { rows } = await this.deps.pool.query<RateRow>(`${SELECT_LIMITS} ORDER BY r.target`);
    return rows.map(toView);
  }

  async get(target: string): Promise<RateLimitView> {
    const { rows } = await this.deps.pool.query<RateRow>(`${SELECT_LIMITS} AND r.target = $1`, [
      target,
    ]);
    const row = rows[0];
    if (!row) {
      throw new NotFoundError(
        'Rate limit',
        target,
        'A target has one once a node with a rateLimit policy called it, or it answered 429; ' +
          'check the spelling (for HTTP: scheme, host and port).',
      );
    }
    return toView(row);
  }
}

function toView(row: RateRow): RateLimitView {
  const policy: RateLimitShape | undefined =
    row.limit !== null && row.period_ms !== null
      ? { limit: row.limit, periodMs: row.period_ms, burst: row.burst ?? 1 }
      : undefined;
  return toRateLimitView(
    row.target,
    toRateLimitSnapshot(row),
    policy,
    row.updated_at_ms,
    row.now_ms,
  );
}
