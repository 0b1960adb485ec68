/**
 * Limits failed sign-ins per IP address and per email with the engine's GCRA: a burst of failures
 * is allowed, then one more per interval. Only failures take a token; a throttled attempt is
 * refused before the password is checked. State lives in PostgreSQL, so every server process
 * shares it.
 */
import {
  type Clock,
  decideRate,
  initialRateLimitSnapshot,
  type RateLimitShape,
} from '@patchbay/engine';
import type pg from 'pg';
import { withTransaction } from '../db/pg-pool.ts';

export type SignInThrottlePolicy = { perIp: RateLimitShape; perEmail: RateLimitShape };

const MINUTE_MS = 60_000;

/** 10 quick failures per email, then one every 90 s; 30 per address, then one every 30 s. */
export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottlePolicy = {
  perEmail: { limit: 10, periodMs: 15 * MINUTE_MS, burst: 10 },
  perIp: { limit: 30, periodMs: 15 * MINUTE_MS, burst: 30 },
};

export type ThrottleKeys = { ip: string | null; email: string };

export class SignInThrottle {
  constructor(
    private readonly deps: { pool: pg.Pool; clock: Clock; policy: SignInThrottlePolicy },
  ) {}

  /** How long until another attempt is allowed for these keys; 0 when it is allowed now. */
  async retryAfterMs(keys: ThrottleKeys): Promise<number> {
    const entries = this.entries(keys);
    const { rows } = await this.deps.pool.query<{ key: string; tat: Date }>(
      'SELECT key, tat FROM auth_throttles WHERE key = ANY($1::text[])',
      [entries.map((entry) => entry.key)],
    );
    const tats = new Map(rows.map((row) => [row.key, row.tat.getTime()]));
    const nowMs = this.deps.clock.now().getTime();
    let waitMs = 0;
    for (const { key, policy } of entries) {
      const decision = decideRate(snapshot(tats.get(key)), policy, nowMs);
      if (decision.kind === 'wait') waitMs = Math.max(waitMs, decision.waitMs);
    }
    return waitMs;
  }

  /** Takes a token from each key for a failed attempt. */
  async recordFailure(keys: ThrottleKeys): Promise<void> {
    const nowMs = this.deps.clock.now().getTime();
    await withTransaction(this.deps.pool, async ({ client }) => {
      for (const { key, policy } of this.entries(keys)) {
        const { rows } = await client.query<{ tat: Date }>(
          'SELECT tat FROM auth_throttles WHERE key = $1 FOR UPDATE',
          [key],
        );
        const decision = decideRate(snapshot(rows[0]?.tat.getTime()), policy, nowMs);
        if (decision.kind !== 'allow' || decision.next.tatMs === null) continue;
        await client.query(
          `INSERT INTO auth_throttles (key, tat, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET tat = EXCLUDED.tat, updated_at = EXCLUDED.updated_at`,
          [key, new Date(decision.next.tatMs), new Date(nowMs)],
        );
      }
    });
  }

  /** Forgets keys whose state no longer holds anything back. */
  async deleteExpired(): Promise<void> {
    await this.deps.pool.query('DELETE FROM auth_throttles WHERE tat < $1', [
      this.deps.clock.now(),
    ]);
  }

  private entries(keys: ThrottleKeys) {
    return [
      { key: `email:${keys.email}`, policy: this.deps.policy.perEmail },
      { key: `ip:${keys.ip ?? 'unknown'}`, policy: this.deps.policy.perIp },
    ];
  }
}

function snapshot(tatMs: number | undefined) {
  return { ...initialRateLimitSnapshot(), tatMs: tatMs ?? null };
}
