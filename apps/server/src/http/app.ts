/**
 * Builds the Fastify app: request guards (Host, same-origin writes, security headers), sign-in
 * routes, tRPC at /trpc (every procedure behind a session or API token, but setup; batches bounded
 * in calls and response size), webhooks at /hooks/<flowId or path> (webhooks/), /healthz,
 * /metrics (observability/, behind PATCHBAY_METRICS_TOKEN or an API token), clear errors (413
 * for oversized bodies, 503 without the database, a reference instead of internals for anything
 * unexpected) and, in production, the built web app with SPA fallback. The caller decides when
 * to listen.
 */
import fastifyCookie from '@fastify/cookie';
import { TRPCError } from '@trpc/server';
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.ts';
import { isDatabaseUnavailableError } from '../db/database-unavailable.ts';
import { registerMetricsRoute } from '../observability/metrics-route.ts';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import { loadStatus } from '../runs/load-status.ts';
import { DATABASE_UNAVAILABLE_MESSAGE, retryAfterSecondsOf } from '../trpc/domain-error-mapping.ts';
import { errorReference } from '../trpc/error-reference.ts';
import { type AppRouter, appRouter } from '../trpc/root.ts';
import { servicesContext, type TrpcContext } from '../trpc/trpc-context.ts';
import { DEFAULT_WEBHOOK_MAX_BYTES, registerWebhookRoutes } from '../webhooks/webhook-routes.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerBatchResponseLimit } from './batch-response-limit.ts';
import { registerErrorHandler } from './error-handler.ts';
import { registerHealthRoute } from './health-route.ts';
import { credentialsOf, originOf } from './request-credentials.ts';
import { registerRequestGuards } from './request-guards.ts';
import { RequestLogController } from './request-log.ts';
import { createSiteIdentity } from './site-identity.ts';
import { registerSubscriptionAuth, subscriptionPathsOf } from './subscription-auth.ts';
import { registerWebApp } from './web-app.ts';

/**
 * /metrics for this process; its queue depth is read from this app's QueueLoad (started by the
 * caller wherever the app serves).
 */
export function registerObservabilityRoutes(
  app: FastifyInstance,
  services: AppServices,
  metricsToken: string | undefined,
): void {
  processMetrics.readQueueDepthFrom(() => services.queueLoad.snapshot().queuedRuns);
  registerMetricsRoute(app, {
    metrics: processMetrics,
    metricsToken,
    isApiToken: async (bearer) => (await services.auth.authenticate({ bearer })) !== null,
  });
}

/**
 * Requests larger than this are refused with 413 before they are parsed: a flow document at its
 * limit (MAX_DOCUMENT_BYTES, 4 MiB) plus a step test's input (1 MiB) and the call around them.
 */
export const BODY_LIMIT_BYTES = 6 * 1024 * 1024;
export const TRPC_PREFIX = '/trpc';
/** Most procedure calls one batched request may carry. */
export const MAX_BATCH_SIZE = 20;
/** Largest response to a batch of several calls (see batch-response-limit.ts). */
export const MAX_BATCH_RESPONSE_BYTES = 16 * 1024 * 1024;

export type CreateAppOptions = {
  services: AppServices;
  logger: Logger;
  /** Serve the built web app from this directory (production). */
  webDistDir?: string | undefined;
  /** PATCHBAY_PUBLIC_URL: the address people reach Patchbay at, besides localhost. */
  publicUrl?: URL | undefined;
  /** Fastify's trustProxy (PATCHBAY_TRUST_PROXY): whose X-Forwarded-For to believe. */
  trustProxy?: boolean | string | undefined;
  /** Default MAX_BATCH_RESPONSE_BYTES; tests pass a smaller one. */
  maxBatchResponseBytes?: number | undefined;
  /** PATCHBAY_WEBHOOK_MAX_BYTES: larger webhook bodies get 413 (default 1 MiB). */
  webhookMaxBytes?: number | undefined;
  /** PATCHBAY_METRICS_TOKEN: a bearer token for /metrics besides API tokens. */
  metricsToken?: string | undefined;
};

export async function createApp(options: CreateAppOptions): Promise<FastifyInstance> {
  const { services, logger } = options;
  // A child, so that its level can change on its own (see listenQuietly in main.ts). Typed as
  // Fastify's base logger so the app is a plain FastifyInstance everywhere.
  const loggerInstance: FastifyBaseLogger = logger.child({ component: 'http' });
  const app = Fastify({
    loggerInstance,
    logController: new RequestLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    // Batched tRPC calls put every procedure path into one URL segment.
    routerOptions: { maxParamLength: 5000 },
  });
  const site = createSiteIdentity({
    publicUrl: options.publicUrl,
    listeningPort: () => {
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : 0;
    },
  });

  registerErrorHandler(app, TRPC_PREFIX);
  registerBatchResponseLimit(app, {
    trpcPrefix: TRPC_PREFIX,
    maxBytes: options.maxBatchResponseBytes ?? MAX_BATCH_RESPONSE_BYTES,
  });
  registerRequestGuards(app, {
    site,
    trpcPrefix: TRPC_PREFIX,
    secureCookies: services.auth.config.secureCookies,
  });
  await app.register(fastifyCookie);
  registerAuthRoutes(app, services.auth);
  registerSubscriptionAuth(app, {
    trpcPrefix: TRPC_PREFIX,
    subscriptionPaths: subscriptionPathsOf(appRouter),
    auth: services.auth,
  });

  // Live subscriptions (server-sent events) end before the server waits for open requests.
  app.addHook('preClose', async () => {
    services.runs.stopWatching();
    await services.stats.stopLive();
  });
  const shared = servicesContext(services);
  await app.register(fastifyTRPCPlugin, {
    prefix: TRPC_PREFIX,
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: async ({ req }: CreateFastifyContextOptions): Promise<TrpcContext> => ({
        ...shared,
        principal: await services.auth.authenticate(credentialsOf(req)).catch((error: unknown) => {
          if (!isDatabaseUnavailableError(error)) throw error;
          throw new TRPCError({
            code: 'SERVICE_UNAVAILABLE',
            message: DATABASE_UNAVAILABLE_MESSAGE,
            cause: error,
          });
        }),
        origin: originOf(req),
      }),
      // A refused run (load shedding) says when to come back.
      responseMeta({ errors }) {
        const waits = errors
          .map((error) => retryAfterSecondsOf(error.cause))
          .filter((seconds) => seconds !== null);
        return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
      },
      onError({ path, error, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          // The client sees only this reference (see the error formatter in trpc.ts).
          const reference = errorReference(error);
          req.log.error({ err: error.cause ?? error, path, reference }, 'tRPC procedure failed');
        } else if (
          error.code === 'SERVICE_UNAVAILABLE' &&
          retryAfterSecondsOf(error.cause) === null
        ) {
          req.log.warn({ err: error.cause ?? error, path }, 'Database unreachable');
        } else {
          req.log.debug(
            { path, code: error.code, message: error.message },
            'tRPC request rejected',
          );
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  // Not behind sign-in: a webhook is protected by its signature or an unguessable path.
  await registerWebhookRoutes(app, {
    ingress: services.webhooks.ingress,
    maxBytes: options.webhookMaxBytes ?? DEFAULT_WEBHOOK_MAX_BYTES,
  });
  registerHealthRoute(app, services.prisma, () =>
    loadStatus(services.queueLoad, services.shedLimits),
  );
  registerObservabilityRoutes(app, services, options.metricsToken);
  if (options.webDistDir !== undefined) {
    await registerWebApp(app, options.webDistDir, TRPC_PREFIX);
  }
  return app;
}
