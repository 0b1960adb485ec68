/** Circuit breakers for the API: every target's breaker, its recent transitions, manual reset. */
import { type BreakerState, resetBreaker } from '@patchbay/engine';
import type pg from 'pg';
import { withTransaction } from '../db/pg-pool.ts';
import { NotFoundError } from '../domain-errors.ts';
import {
  type BreakerDetail,
  type BreakerView,
  parseStoredBreakerPolicy,
  RECENT_TRANSITIONS,
  toBreakerView,
} from './resilience-views.ts';
import {
  BREAKER_COLUMNS,
  type BreakerColumns,
  lockExistingBreaker,
  NOW_COLUMN,
  toBreakerSnapshot,
  writeTarget,
} from './upstream-state-store.ts';

type BreakerRow = BreakerColumns & {
  target: string;
  policy: unknown;
  updated_at_ms: number;
  now_ms: number;
};

const SELECT_BREAKERS = `
  SELECT b.target, b.policy, (extract(epoch from b.updated_at) * 1000)::float8 AS updated_at_ms,
         ${BREAKER_COLUMNS}, ${NOW_COLUMN}
    FROM circuit_breakers b`;

export class BreakerService {
  constructor(private readonly deps: { pool: pg.Pool }) {}

  async list(): Promise<BreakerView[]> {
    const { rows } = await this.deps.pool.query<BreakerRow>(`${SELECT_BREAKERS} ORDER BY b.target`);
    return rows.map(toView);
  }

  async get(target: string): Promise<BreakerDetail> {
    return this.detail(this.deps.pool, target);
  }

  /** Forces the breaker closed with fresh counters, recorded as a 'manual reset' transition. */
  async reset(target: string): Promise<BreakerDetail> {
    return withTransaction(this.deps.pool, async ({ client }) => {
      const current = await lockExistingBreaker(client, target);
      if (!current) throw notFound(target);
      const result = resetBreaker(current.breaker, current.nowMs);
      await writeTarget(client, target, {
        breaker: { snapshot: result.next, policy: null },
        transitions: result.transition ? [result.transition] : [],
      });
      return this.detail(client, target);
    });
  }

  private async detail(sql: pg.Pool | pg.PoolClient, target: string): Promise<BreakerDetail> {
    const { rows } = await sql.query<BreakerRow>(`${SELECT_BREAKERS} WHERE b.target = $1`, [
      target,
    ]);
    const row = rows[0];
    if (!row) throw notFound(target);
    const { rows: transitions } = await sql.query<{
      id: string;
      from_state: BreakerState;
      to_state: BreakerState;
      reason: string;
      at: Date;
    }>(
      `SELECT id::text AS id, from_state, to_state, reason, at
         FROM breaker_transitions WHERE target = $1
        ORDER BY at DESC, id LIMIT ${RECENT_TRANSITIONS}`,
      [target],
    );
    return {
      ...toView(row),
      transitions: transitions.map((t) => ({
        id: t.id,
        from: t.from_state,
        to: t.to_state,
        reason: t.reason,
        at: t.at.toISOString(),
      })),
    };
  }
}

function toView(row: BreakerRow): BreakerView {
  return toBreakerView(
    row.target,
    toBreakerSnapshot(row),
    parseStoredBreakerPolicy(row.policy),
    row.updated_at_ms,
    row.now_ms,
  );
}

function notFound(target: string): NotFoundError {
  return new NotFoundError(
    'Circuit breaker',
    target,
    'A target gets a breaker with the first call made to it through the guard; check the ' +
      'spelling (for HTTP: scheme, host and port, e.g. https://api.example.com:443).',
  );
}
