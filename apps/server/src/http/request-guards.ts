/**
 * Hooks every request passes: the Host header must name this server (421 otherwise, against DNS
 * rebinding); writes authenticated by the session cookie must come from this site (Origin or
 * Sec-Fetch-Site, against cross-site request forgery); every response carries security headers.
 * `/healthz` and `/metrics` answer any Host, so load balancers, orchestrators and Prometheus can
 * probe them by address (/metrics needs a bearer token, which a rebound page cannot send).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './request-credentials.ts';
import type { SiteIdentity } from './site-identity.ts';
import { sendError } from './trpc-error-response.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ANY_HOST_PATHS = new Set(['/healthz', '/metrics']);

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React Flow positions nodes with inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function registerRequestGuards(
  app: FastifyInstance,
  options: { site: SiteIdentity; trpcPrefix: string; secureCookies: boolean },
): void {
  const { site, trpcPrefix } = options;

  app.addHook('onRequest', async (request, reply) => {
    if (!ANY_HOST_PATHS.has(request.url) && !site.isAllowedHost(request.headers.host)) {
      request.log.info({ host: request.headers.host }, 'Refused a request for another host');
      return sendError(request, reply, trpcPrefix, {
        status: 421,
        code: 'MISDIRECTED_REQUEST',
        title: 'Misdirected Request',
        message: `This server does not answer for the host "${String(request.headers.host ?? '')}". If that is the address people use to reach Patchbay, set PATCHBAY_PUBLIC_URL to it.`,
      });
    }
    if (needsSameOrigin(request) && !isSameOrigin(request, site)) {
      request.log.info(
        { origin: request.headers.origin, fetchSite: request.headers['sec-fetch-site'] },
        'Refused a cross-site write',
      );
      return sendError(request, reply, trpcPrefix, {
        status: 403,
        code: 'FORBIDDEN',
        title: 'Forbidden',
        message:
          'This change must come from Patchbay itself: the request was sent from another site (or without an Origin header).',
      });
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (options.secureCookies) {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    return payload;
  });
}

/**
 * Writes that a browser could be tricked into sending with the user's cookie: any unsafe method
 * carrying the session cookie without a bearer token, and sign-in itself (login CSRF).
 */
function needsSameOrigin(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  if (request.url.startsWith('/auth/')) return true;
  if (/^bearer\s/i.test(request.headers.authorization ?? '')) return false;
  return (request.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`);
}

function isSameOrigin(request: FastifyRequest, site: SiteIdentity): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (fetchSite === undefined && origin === undefined) return false;
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false;
  return origin === undefined || site.isAllowedOrigin(origin);
}
