/**
 * Reads and writes the `circuit_breakers` and `rate_limits` rows of one target as the engine's
 * plain snapshots. Times cross the boundary as float milliseconds since the epoch and `now` is
 * always the database's `clock_timestamp()`, so workers with skewed clocks agree. Lock order is
 * always breaker row, then rate-limit row: the breaker row is the target's mutex.
 */

import { createHash } from 'node:crypto';
import {
  type BreakerPolicy,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerTransition,
  initialBreakerSnapshot,
  initialRateLimitSnapshot,
  type RateLimitShape,
  type RateLimitSnapshot,
  type SerializedError,
} from '@patchbay/engine';
import type pg from 'pg';
import { z } from 'zod';
import { toPlainJson } from '../db/json-column.ts';

/** A node-postgres pool or a checked-out client (inside a transaction). */
export type SqlClient = {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
};

const statementNames = new Map<string, string>();

/**
 * Runs `text` as a named prepared statement: parsed and planned once per connection. Planning
 * the CTEs below costs more than executing them. Names derive from the text, so the few
 * variants writeTarget builds each get their own.
 */
export function runStatement<R extends pg.QueryResultRow>(
  sql: SqlClient,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  let name = statementNames.get(text);
  if (!name) {
    name = `patchbay_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return sql.query<R>({ name, text, values });
}

export type TargetState = {
  nowMs: number;
  breaker: BreakerSnapshot;
  rateLimit: RateLimitSnapshot;
};

export type TargetWrite = {
  breaker?: { snapshot: BreakerSnapshot; policy: BreakerPolicy | null };
  rateLimit?: { snapshot: RateLimitSnapshot; policy: RateLimitShape | undefined };
  transitions?: readonly BreakerTransition[];
};

export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const satisfies BreakerState[];

const breakerStateSchema = z.enum(BREAKER_STATES);
const serializedErrorSchema = z.looseObject({ code: z.string(), message: z.string() });

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
const at = (param: string) => `to_timestamp(${param}::float8 / 1000)`;

/** Breaker columns of alias `b`; every one is null when the row is missing (outer join). */
export const BREAKER_COLUMNS = `
  b.target IS NOT NULL AS breaker_exists, b.state, b.consecutive_failures,
  ${ms('b.window_started_at')} AS window_started_at_ms, b.window_calls, b.window_failures,
  ${ms('b.opened_at')} AS opened_at_ms, ${ms('b.open_until')} AS open_until_ms,
  b.probes_in_flight, b.probe_successes, ${ms('b.probes_expire_at')} AS probes_expire_at_ms,
  b.last_error, ${ms('b.last_failure_at')} AS last_failure_at_ms`;

/** Rate-limit columns of alias `r`. */
export const RATE_COLUMNS = `
  r.target IS NOT NULL AS rate_exists, ${ms('r.tat')} AS tat_ms,
  ${ms('r.throttled_until')} AS throttled_until_ms,
  ${ms('r.period_started_at')} AS period_started_at_ms, r.period_calls`;

export const NOW_COLUMN = `${ms('clock_timestamp()')} AS now_ms`;

export type BreakerColumns = {
  breaker_exists: boolean;
  state: string | null;
  consecutive_failures: number | null;
  window_started_at_ms: number | null;
  window_calls: number | null;
  window_failures: number | null;
  opened_at_ms: number | null;
  open_until_ms: number | null;
  probes_in_flight: number | null;
  probe_successes: number | null;
  probes_expire_at_ms: number | null;
  last_error: unknown;
  last_failure_at_ms: number | null;
};

export type RateColumns = {
  rate_exists: boolean;
  tat_ms: number | null;
  throttled_until_ms: number | null;
  period_started_at_ms: number | null;
  period_calls: number | null;
};

type TargetRow = BreakerColumns & RateColumns & { now_ms: number };

/** The target's state without locking: for decisions that change nothing (see the guard). */
export async function readTarget(sql: SqlClient, target: string): Promise<TargetState> {
  const { rows } = await runStatement<TargetRow>(
    sql,
    `SELECT ${BREAKER_COLUMNS}, ${RATE_COLUMNS}, ${NOW_COLUMN}
       FROM (SELECT $1::text AS target) t
       LEFT JOIN circuit_breakers b ON b.target = t.target
       LEFT JOIN rate_limits r ON r.target = t.target`,
    [target],
  );
  return toTargetState(single(rows));
}

/**
 * Locks the target's breaker row (creating it when missing) and, with `rateLimit`, its rate-limit
 * row, until the transaction ends. Upserts rather than SELECT ... FOR UPDATE so that a row a
 * concurrent transaction has just created is seen (and waited for) instead of missed.
 */
export async function lockTarget(
  tx: SqlClient,
  target: string,
  options: { rateLimit: boolean },
): Promise<TargetState> {
  const rateCte = options.rateLimit
    ? `, r AS (
         INSERT INTO rate_limits AS rl (target) SELECT target FROM b
         ON CONFLICT (target) DO UPDATE SET updated_at = rl.updated_at
         RETURNING rl.*)`
    : '';
  const rateColumns = options.rateLimit
    ? RATE_COLUMNS
    : 'false AS rate_exists, null::float8 AS tat_ms, null::float8 AS throttled_until_ms, ' +
      'null::float8 AS period_started_at_ms, null::int AS period_calls';
  const { rows } = await runStatement<TargetRow>(
    tx,
    `WITH b AS (
       INSERT INTO circuit_breakers AS cb (target) VALUES ($1)
       ON CONFLICT (target) DO UPDATE SET updated_at = cb.updated_at
       RETURNING cb.*)${rateCte}
     SELECT ${BREAKER_COLUMNS}, ${rateColumns}, ${NOW_COLUMN}
       FROM b${options.rateLimit ? ' CROSS JOIN r' : ''}`,
    [target],
  );
  return toTargetState(single(rows));
}

/** Locks an existing breaker row; undefined when the target has none. */
export async function lockExistingBreaker(
  tx: SqlClient,
  target: string,
): Promise<{ nowMs: number; breaker: BreakerSnapshot } | undefined> {
  const { rows } = await runStatement<BreakerColumns & { now_ms: number }>(
    tx,
    `SELECT ${BREAKER_COLUMNS}, ${NOW_COLUMN}
       FROM circuit_breakers b WHERE b.target = $1 FOR UPDATE`,
    [target],
  );
  const row = rows[0];
  return row ? { nowMs: row.now_ms, breaker: toBreakerSnapshot(row) } : undefined;
}

/** Writes what changed, and the transitions, in one statement. Rows must exist (locked). */
export async function writeTarget(
  tx: SqlClient,
  target: string,
  write: TargetWrite,
): Promise<void> {
  const values: unknown[] = [target];
  const p = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const statements: string[] = [];

  if (write.breaker) {
    const { snapshot: s, policy } = write.breaker;
    statements.push(`UPDATE circuit_breakers SET
        state = ${p(s.state)}, consecutive_failures = ${p(s.consecutiveFailures)}::int,
        window_started_at = ${at(p(s.windowStartMs))}, window_calls = ${p(s.windowCalls)}::int,
        window_failures = ${p(s.windowFailures)}::int, opened_at = ${at(p(s.openedAtMs))},
        open_until = ${at(p(s.openUntilMs))}, probes_in_flight = ${p(s.probesInFlight)}::int,
        probe_successes = ${p(s.probeSuccesses)}::int,
        probes_expire_at = ${at(p(s.probesExpireAtMs))},
        last_error = ${p(jsonParam(s.lastError))}::jsonb,
        last_failure_at = ${at(p(s.lastFailureAtMs))},
        policy = COALESCE(${p(jsonParam(policy))}::jsonb, policy),
        updated_at = clock_timestamp()
      WHERE target = $1`);
  }
  if (write.rateLimit) {
    const { snapshot: s, policy } = write.rateLimit;
    statements.push(`UPDATE rate_limits SET
        tat = ${at(p(s.tatMs))}, throttled_until = ${at(p(s.throttledUntilMs))},
        period_started_at = ${at(p(s.periodStartMs))}, period_calls = ${p(s.periodCalls)}::int,
        "limit" = COALESCE(${p(policy?.limit ?? null)}::int, "limit"),
        period_ms = COALESCE(${p(policy?.periodMs ?? null)}::int, period_ms),
        burst = COALESCE(${p(policy?.burst ?? null)}::int, burst),
        updated_at = clock_timestamp()
      WHERE target = $1`);
  }
  for (const transition of write.transitions ?? []) {
    statements.push(`INSERT INTO breaker_transitions (target, from_state, to_state, reason, at)
      VALUES ($1, ${p(transition.from)}, ${p(transition.to)}, ${p(transition.reason)},
              ${at(p(transition.atMs))})`);
  }
  if (statements.length === 0) return;

  const ctes = statements.map((statement, index) => `w${index} AS (${statement})`).join(',\n');
  await runStatement(tx, `WITH ${ctes} SELECT 1`, values);
}

export function toBreakerSnapshot(row: BreakerColumns): BreakerSnapshot {
  if (!row.breaker_exists) return initialBreakerSnapshot();
  return {
    state: breakerStateSchema.parse(row.state),
    consecutiveFailures: row.consecutive_failures ?? 0,
    windowStartMs: row.window_started_at_ms,
    windowCalls: row.window_calls ?? 0,
    windowFailures: row.window_failures ?? 0,
    openedAtMs: row.opened_at_ms,
    openUntilMs: row.open_until_ms,
    probesInFlight: row.probes_in_flight ?? 0,
    probeSuccesses: row.probe_successes ?? 0,
    probesExpireAtMs: row.probes_expire_at_ms,
    lastError:
      row.last_error === null
        ? null
        : (serializedErrorSchema.parse(row.last_error) as SerializedError),
    lastFailureAtMs: row.last_failure_at_ms,
  };
}

export function toRateLimitSnapshot(row: RateColumns): RateLimitSnapshot {
  if (!row.rate_exists) return initialRateLimitSnapshot();
  return {
    tatMs: row.tat_ms,
    throttledUntilMs: row.throttled_until_ms,
    periodStartMs: row.period_started_at_ms,
    periodCalls: row.period_calls ?? 0,
  };
}

function toTargetState(row: TargetRow): TargetState {
  return {
    nowMs: row.now_ms,
    breaker: toBreakerSnapshot(row),
    rateLimit: toRateLimitSnapshot(row),
  };
}

function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(toPlainJson(value));
}

function single<T>(rows: T[]): T {
  const row = rows[0];
  if (!row) throw new Error('Expected one row from the resilience state query, got none');
  return row;
}
