/**
 * Builds the Fastify app: request guards (Host, same-origin writes, security headers), sign-in
 * routes, tRPC at /trpc (every procedure behind a session or API token, but setup), /healthz, a
 * clear 413 for oversized bodies and, in production, the built web app with SPA fallback. The
 * caller decides when to listen.
 */
import fastifyCookie from '@fastify/cookie';
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.ts';
import { type AppRouter, appRouter } from '../trpc/root.ts';
import { servicesContext, type TrpcContext } from '../trpc/trpc-context.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerHealthRoute } from './health-route.ts';
import { registerPayloadTooLargeHandler } from './payload-too-large.ts';
import { credentialsOf, originOf } from './request-credentials.ts';
import { registerRequestGuards } from './request-guards.ts';
import { RequestLogController } from './request-log.ts';
import { createSiteIdentity } from './site-identity.ts';
import { registerWebApp } from './web-app.ts';

/** Requests larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
export const TRPC_PREFIX = '/trpc';
/** Most procedure calls one batched request may carry. */
export const MAX_BATCH_SIZE = 20;

export type CreateAppOptions = {
  services: AppServices;
  logger: Logger;
  /** Serve the built web app from this directory (production). */
  webDistDir?: string | undefined;
  /** PATCHBAY_PUBLIC_URL: the address people reach Patchbay at, besides localhost. */
  publicUrl?: URL | undefined;
  /** Fastify's trustProxy (PATCHBAY_TRUST_PROXY): whose X-Forwarded-For to believe. */
  trustProxy?: boolean | string | undefined;
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

  registerPayloadTooLargeHandler(app, TRPC_PREFIX);
  registerRequestGuards(app, {
    site,
    trpcPrefix: TRPC_PREFIX,
    secureCookies: services.auth.config.secureCookies,
  });
  await app.register(fastifyCookie);
  registerAuthRoutes(app, services.auth);

  const shared = servicesContext(services);
  await app.register(fastifyTRPCPlugin, {
    prefix: TRPC_PREFIX,
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: async ({ req }: CreateFastifyContextOptions): Promise<TrpcContext> => ({
        ...shared,
        principal: await services.auth.authenticate(credentialsOf(req)),
        origin: originOf(req),
      }),
      onError({ path, error, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
        } else {
          req.log.debug(
            { path, code: error.code, message: error.message },
            'tRPC request rejected',
          );
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  registerHealthRoute(app, services.prisma);
  if (options.webDistDir !== undefined) {
    await registerWebApp(app, options.webDistDir, TRPC_PREFIX);
  }
  return app;
}
