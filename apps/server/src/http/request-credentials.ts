/** Reads a request's credentials (bearer token or session cookie) and where it came from. */
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../auth/principal.ts';

export const SESSION_COOKIE = 'patchbay_session';

export type RequestCredentials = { bearer?: string | undefined; session?: string | undefined };

export function credentialsOf(request: FastifyRequest): RequestCredentials {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
    // A malformed Authorization header authenticates nothing, not even with a cookie beside it.
    return { bearer: match?.[1] ?? '' };
  }
  const session = request.cookies[SESSION_COOKIE];
  return session ? { session } : {};
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
