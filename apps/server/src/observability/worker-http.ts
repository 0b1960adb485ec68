/**
 * The HTTP listener of a worker-role process (`--role=worker` with PATCHBAY_WORKER_HTTP_PORT):
 * /healthz and /metrics only, so that orchestrators can probe workers and Prometheus can scrape
 * them. No sign-in routes, no tRPC, no webhooks.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.ts';
import { registerObservabilityRoutes, TRPC_PREFIX } from '../http/app.ts';
import { registerErrorHandler } from '../http/error-handler.ts';
import { registerHealthRoute } from '../http/health-route.ts';
import { RequestLogController } from '../http/request-log.ts';
import { loadStatus } from '../runs/load-status.ts';

export async function createWorkerHttpApp(options: {
  services: AppServices;
  logger: Logger;
  /** PATCHBAY_METRICS_TOKEN. */
  metricsToken: string | undefined;
}): Promise<FastifyInstance> {
  const { services } = options;
  const loggerInstance: FastifyBaseLogger = options.logger.child({ component: 'worker-http' });
  const app = Fastify({ loggerInstance, logController: new RequestLogController() });
  registerErrorHandler(app, TRPC_PREFIX);
  registerHealthRoute(app, services.prisma, () =>
    loadStatus(services.queueLoad, services.shedLimits),
  );
  registerObservabilityRoutes(app, services, options.metricsToken);
  await app.ready();
  return app;
}
