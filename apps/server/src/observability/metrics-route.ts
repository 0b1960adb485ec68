/**
 * GET /metrics: the process's Prometheus metrics, for `Authorization: Bearer <token>` where the
 * token is PATCHBAY_METRICS_TOKEN or a valid API token (any role). Anything else gets 401 JSON.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { PatchbayMetrics } from './patchbay-metrics.ts';

export const METRICS_PATH = '/metrics';

export type MetricsRouteOptions = {
  metrics: PatchbayMetrics;
  /** PATCHBAY_METRICS_TOKEN; unset or blank: only API tokens are accepted. */
  metricsToken: string | undefined;
  /** True when `bearer` is a valid API token. */
  isApiToken(bearer: string): Promise<boolean>;
};

export function registerMetricsRoute(app: FastifyInstance, options: MetricsRouteOptions): void {
  const configured = options.metricsToken?.trim() ? digest(options.metricsToken.trim()) : undefined;
  app.get(METRICS_PATH, async (request, reply) => {
    const bearer = bearerOf(request.headers.authorization);
    const allowed =
      bearer !== undefined &&
      ((configured !== undefined && timingSafeEqual(digest(bearer), configured)) ||
        (await options.isApiToken(bearer)));
    if (!allowed) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({
        error: 'Unauthorized',
        code: 'UNAUTHENTICATED',
        message:
          'GET /metrics needs "Authorization: Bearer <token>" with PATCHBAY_METRICS_TOKEN or an API token.',
      });
    }
    const { contentType, body } = await options.metrics.scrape();
    return reply.code(200).type(contentType).send(body);
  });
}

function bearerOf(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

/** Fixed-length digests, so that the comparison takes the same time whatever the length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
