/**
 * Server-side sessions: the cookie holds a random secret, the database its digest, so a session
 * can be listed and revoked. A session ends after an idle limit and an absolute limit. Lookups run
 * on every request, so they are cached for a few seconds; a session revoked by another process
 * stops working within that time (at once in this process).
 */
import type { Clock } from '@patchbay/engine';
import type pg from 'pg';
import type { Principal, RequestOrigin } from './principal.ts';
import { isRole } from './roles.ts';
import { digestSecret, newSecret } from './secrets.ts';
import { TtlCache } from './ttl-cache.ts';

/** last_seen_at is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;
const CACHE_TTL_MS = 5_000;

const LOOKUP = {
  name: 'patchbay_session_lookup',
  text: `SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, u.email, u.name, u.role
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = $1 AND u.deactivated_at IS NULL`,
};

type SessionRow = {
  id: string;
  user_id: string;
  last_seen_at: Date;
  expires_at: Date;
  email: string;
  name: string | null;
  role: string;
};

type CachedSession = { principal: Principal; lastSeenAtMs: number; expiresAtMs: number };

export type NewSession = { secret: string; expiresAt: Date };

export class SessionService {
  private readonly cache: TtlCache<CachedSession>;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      clock: Clock;
      idleMs: number;
      maxMs: number;
    },
  ) {
    this.cache = new TtlCache({
      ttlMs: CACHE_TTL_MS,
      maxEntries: 10_000,
      nowMs: () => deps.clock.now().getTime(),
    });
  }

  async create(userId: string, origin: RequestOrigin): Promise<NewSession> {
    const secret = newSecret();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.maxMs);
    await this.deps.pool.query(
      `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $3, $4, $5, $6)`,
      [digestSecret(secret), userId, now, expiresAt, origin.ip, truncate(origin.userAgent, 500)],
    );
    return { secret, expiresAt };
  }

  /** The principal of a live session, or null (unknown, expired, or its user deactivated). */
  async authenticate(secret: string): Promise<Principal | null> {
    const id = digestSecret(secret);
    const nowMs = this.deps.clock.now().getTime();
    let session = this.cache.get(id);
    if (!session) {
      const { rows } = await this.deps.pool.query<SessionRow>({ ...LOOKUP, values: [id] });
      const row = rows[0];
      if (!row || !isRole(row.role)) return null;
      session = {
        principal: {
          kind: 'session',
          userId: row.user_id,
          email: row.email,
          name: row.name,
          role: row.role,
          sessionId: row.id,
        },
        lastSeenAtMs: row.last_seen_at.getTime(),
        expiresAtMs: row.expires_at.getTime(),
      };
      this.cache.set(id, session);
    }
    if (nowMs >= session.expiresAtMs || nowMs - session.lastSeenAtMs >= this.deps.idleMs) {
      await this.revokeById(id);
      return null;
    }
    if (nowMs - session.lastSeenAtMs >= TOUCH_INTERVAL_MS) {
      session.lastSeenAtMs = nowMs;
      await this.deps.pool.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1', [
        id,
        new Date(nowMs),
      ]);
    }
    return session.principal;
  }

  /** Ends the session whose cookie holds `secret` (sign out). */
  revoke(secret: string): Promise<void> {
    return this.revokeById(digestSecret(secret));
  }

  async revokeById(id: string): Promise<void> {
    this.cache.delete(id);
    await this.deps.pool.query('DELETE FROM sessions WHERE id = $1', [id]);
  }

  /** Ends every session of a user (deactivated, or changed their password), but `keepId`. */
  async revokeAllOf(userId: string, keepId?: string): Promise<void> {
    this.cache.deleteWhere(
      (session) => session.principal.userId === userId && session.principal.sessionId !== keepId,
    );
    await this.deps.pool.query(
      'DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR id <> $2)',
      [userId, keepId ?? null],
    );
  }

  /** Forgets cached sessions of a user, so a role change applies at the next request. */
  forgetUser(userId: string): void {
    this.cache.deleteWhere((session) => session.principal.userId === userId);
  }

  /** Deletes sessions past their absolute expiry or idle for longer than the idle limit. */
  async deleteExpired(): Promise<number> {
    const now = this.deps.clock.now();
    const { rowCount } = await this.deps.pool.query(
      `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`,
      [now, new Date(now.getTime() - this.deps.idleMs)],
    );
    return rowCount ?? 0;
  }
}

export function truncate(text: string | null, max: number): string | null {
  return text !== null && text.length > max ? text.slice(0, max) : text;
}
