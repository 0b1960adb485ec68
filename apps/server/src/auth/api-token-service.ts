/**
 * API tokens: bearer secrets for scripts and integrations, created while signed in and shown
 * once. Only a digest is stored. A token acts with its own role, capped by its user's current
 * role, and stops working when it is revoked, expires, or its user is deactivated.
 */
import type { Clock } from '@patchbay/engine';
import type pg from 'pg';
import type { PrismaClient } from '../db/prisma-client.ts';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import type { Principal } from './principal.ts';
import { isRole, type Role, roleAtLeast, weakerRole } from './roles.ts';
import { digestSecret, newSecret } from './secrets.ts';
import { TtlCache } from './ttl-cache.ts';

export const API_TOKEN_PREFIX = 'pb_';
const TOUCH_INTERVAL_MS = 60_000;
const CACHE_TTL_MS = 5_000;
const DAY_MS = 86_400_000;

const LOOKUP = {
  name: 'patchbay_api_token_lookup',
  text: `SELECT t.id, t.name, t.role AS token_role, t.expires_at, t.last_used_at,
                u.id AS user_id, u.email, u.name AS user_name, u.role AS user_role
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deactivated_at IS NULL`,
};

type TokenRow = {
  id: string;
  name: string;
  token_role: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  user_name: string | null;
  user_role: string;
};

type CachedToken = { principal: Principal; expiresAtMs: number | null; lastUsedAtMs: number };

export type ApiTokenView = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  userId: string;
  userEmail: string;
  /** ISO 8601, like the other times. */
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export type CreateApiTokenInput = { name: string; role: Role; expiresInDays?: number | undefined };

export class ApiTokenService {
  private readonly cache: TtlCache<CachedToken>;

  constructor(private readonly deps: { prisma: PrismaClient; pool: pg.Pool; clock: Clock }) {
    this.cache = new TtlCache({
      ttlMs: CACHE_TTL_MS,
      maxEntries: 10_000,
      nowMs: () => deps.clock.now().getTime(),
    });
  }

  /** Creates a token for the signed-in user; the secret is in the result and nowhere else. */
  async create(
    actor: Principal,
    input: CreateApiTokenInput,
  ): Promise<{ token: string; view: ApiTokenView }> {
    if (actor.kind !== 'session') {
      throw new ForbiddenError(
        'TOKEN_CREATION_NEEDS_SESSION',
        'API tokens are created while signed in, not with another token.',
      );
    }
    if (!roleAtLeast(actor.role, input.role)) {
      throw new ForbiddenError(
        'ROLE_TOO_HIGH',
        `A token cannot have more rights than you: your role is ${actor.role}, the token asks for ${input.role}.`,
      );
    }
    const token = newSecret(API_TOKEN_PREFIX);
    const now = this.deps.clock.now();
    const row = await this.deps.prisma.apiToken.create({
      data: {
        userId: actor.userId,
        name: input.name,
        role: input.role,
        tokenHash: digestSecret(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        createdAt: now,
        expiresAt:
          input.expiresInDays === undefined
            ? null
            : new Date(now.getTime() + input.expiresInDays * DAY_MS),
      },
      include: { user: { select: { email: true } } },
    });
    return { token, view: toView(row) };
  }

  /** Own tokens; an admin may ask for everyone's. */
  async list(actor: Principal, options: { all?: boolean } = {}): Promise<ApiTokenView[]> {
    const everyone = options.all === true && roleAtLeast(actor.role, 'admin');
    const rows = await this.deps.prisma.apiToken.findMany({
      ...(everyone ? {} : { where: { userId: actor.userId } }),
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      include: { user: { select: { email: true } } },
    });
    return rows.map(toView);
  }

  /** Revokes an own token, or anyone's for an admin. */
  async revoke(actor: Principal, id: string): Promise<ApiTokenView> {
    const row = isUuid(id)
      ? await this.deps.prisma.apiToken.findUnique({
          where: { id },
          include: { user: { select: { email: true } } },
        })
      : null;
    if (!row || (row.userId !== actor.userId && !roleAtLeast(actor.role, 'admin'))) {
      throw new NotFoundError('API token', id);
    }
    if (row.revokedAt) {
      throw new InvalidRequestError('TOKEN_REVOKED', `API token "${row.name}" is already revoked.`);
    }
    const revoked = await this.deps.prisma.apiToken.update({
      where: { id },
      data: { revokedAt: this.deps.clock.now() },
      include: { user: { select: { email: true } } },
    });
    this.cache.deleteWhere((cached) => cached.principal.tokenId === id);
    return toView(revoked);
  }

  /** The principal of a valid token, or null. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const hash = digestSecret(token);
    const nowMs = this.deps.clock.now().getTime();
    let cached = this.cache.get(hash);
    if (!cached) {
      const { rows } = await this.deps.pool.query<TokenRow>({ ...LOOKUP, values: [hash] });
      const row = rows[0];
      if (!row || !isRole(row.token_role) || !isRole(row.user_role)) return null;
      cached = {
        principal: {
          kind: 'token',
          userId: row.user_id,
          email: row.email,
          name: row.user_name,
          role: weakerRole(row.token_role, row.user_role),
          tokenId: row.id,
          tokenName: row.name,
        },
        expiresAtMs: row.expires_at?.getTime() ?? null,
        lastUsedAtMs: row.last_used_at?.getTime() ?? 0,
      };
      this.cache.set(hash, cached);
    }
    if (cached.expiresAtMs !== null && nowMs >= cached.expiresAtMs) return null;
    if (nowMs - cached.lastUsedAtMs >= TOUCH_INTERVAL_MS) {
      cached.lastUsedAtMs = nowMs;
      await this.deps.pool.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [
        cached.principal.tokenId,
        new Date(nowMs),
      ]);
    }
    return cached.principal;
  }

  /** Forgets cached tokens of a user, so a role change or deactivation applies at once here. */
  forgetUser(userId: string): void {
    this.cache.deleteWhere((cached) => cached.principal.userId === userId);
  }
}

type TokenWithUser = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  user: { email: string };
};

function toView(row: TokenWithUser): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: isRole(row.role) ? row.role : 'viewer',
    userId: row.userId,
    userEmail: row.user.email,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
