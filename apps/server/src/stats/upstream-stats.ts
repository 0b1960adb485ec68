/**
 * stats.upstreams: per upstream target, its breaker's state now and its timeline in a range (from
 * breaker_transitions), and its rate limit. Targets are few and transitions rare next to runs.
 */

import type { BreakerState } from '@patchbay/engine';
import type pg from 'pg';
import { BREAKER_STATES } from '../resilience/upstream-state-store.ts';

/** At most this many transitions of one target in a timeline (the newest are kept). */
export const MAX_TIMELINE_TRANSITIONS = 200;

export type UpstreamStats = {
  target: string;
  /** The breaker now; null for a target with only a rate limit. */
  state: BreakerState | null;
  openUntil: string | null;
  lastFailureAt: string | null;
  /** The breaker's state when the range began (closed when no transition came before it). */
  stateAtFrom: BreakerState;
  /** Transitions in the range, oldest first. */
  transitions: { at: string; from: BreakerState; to: BreakerState; reason: string }[];
  /** How often it opened in the range. */
  opens: number;
  rateLimit: { limit: number; periodMs: number; burst: number | null } | null;
  throttledUntil: string | null;
};

type Row = {
  target: string;
  state: string | null;
  open_until: Date | null;
  last_failure_at: Date | null;
  state_at_from: string | null;
  transitions: { at: string; from: string; to: string; reason: string }[] | null;
  opens: number;
  limit: number | null;
  period_ms: number | null;
  burst: number | null;
  throttled_until: Date | null;
};

/** Open or half-open breakers first, then by target. */
export async function upstreamStats(
  pool: pg.Pool,
  range: { from: Date; to: Date; limit: number },
): Promise<UpstreamStats[]> {
  const { rows } = await pool.query<Row>(
    `WITH targets AS (
       SELECT target FROM circuit_breakers UNION SELECT target FROM rate_limits
     )
     SELECT t.target, b.state, b.open_until, b.last_failure_at,
            (SELECT x.to_state FROM breaker_transitions x
              WHERE x.target = t.target AND x.at < $1 ORDER BY x.at DESC LIMIT 1) AS state_at_from,
            (SELECT json_agg(json_build_object('at', w.at, 'from', w.from_state, 'to', w.to_state,
                                               'reason', w.reason) ORDER BY w.at, w.id)
               FROM (SELECT * FROM breaker_transitions x
                      WHERE x.target = t.target AND x.at >= $1 AND x.at < $2
                      ORDER BY x.at DESC LIMIT ${MAX_TIMELINE_TRANSITIONS}) w) AS transitions,
            (SELECT count(*)::int FROM breaker_transitions x
              WHERE x.target = t.target AND x.at >= $1 AND x.at < $2 AND x.to_state = 'open') AS opens,
            r.limit, r.period_ms, r.burst, r.throttled_until
       FROM targets t
       LEFT JOIN circuit_breakers b ON b.target = t.target
       LEFT JOIN rate_limits r ON r.target = t.target
      ORDER BY (COALESCE(b.state, 'closed') <> 'closed') DESC, t.target
      LIMIT $3`,
    [range.from, range.to, range.limit],
  );
  return rows.map((row) => ({
    target: row.target,
    state: row.state === null ? null : breakerState(row.state),
    openUntil: row.open_until?.toISOString() ?? null,
    lastFailureAt: row.last_failure_at?.toISOString() ?? null,
    stateAtFrom: row.state_at_from === null ? 'closed' : breakerState(row.state_at_from),
    transitions: (row.transitions ?? []).map((transition) => ({
      at: new Date(transition.at).toISOString(),
      from: breakerState(transition.from),
      to: breakerState(transition.to),
      reason: transition.reason,
    })),
    opens: row.opens,
    rateLimit:
      row.limit === null || row.period_ms === null
        ? null
        : { limit: row.limit, periodMs: row.period_ms, burst: row.burst },
    throttledUntil: row.throttled_until?.toISOString() ?? null,
  }));
}

function breakerState(value: string): BreakerState {
  if ((BREAKER_STATES as readonly string[]).includes(value)) return value as BreakerState;
  throw new Error(`Unknown breaker state "${value}" in the database`);
}
