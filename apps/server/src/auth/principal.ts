/** Who a request acts for: a signed-in user (session) or an API token, with its effective role. */
import type { Role } from './roles.ts';

export type Principal = {
  kind: 'session' | 'token';
  userId: string;
  email: string;
  name: string | null;
  /** The role the request acts with: a token's role, never more than its user's current role. */
  role: Role;
  /** The session's id (the digest of its cookie secret), for kind session. */
  sessionId?: string;
  /** For kind token. */
  tokenId?: string;
  tokenName?: string;
};

/** Where a request came from, for the audit log and sign-in throttling. */
export type RequestOrigin = { ip: string | null; userAgent: string | null };

export const UNKNOWN_ORIGIN: RequestOrigin = { ip: null, userAgent: null };
