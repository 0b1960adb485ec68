/**
 * Builds the Fastify app: tRPC at /trpc, /healthz, a clear 413 for oversized bodies and, in
 * production, the built web app with SPA fallback. The caller decides when to listen.
 */
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.ts';
import { type AppRouter, appRouter } from '../trpc/root.ts';
import type { TrpcContext } from '../trpc/trpc.ts';
import { registerHealthRoute } from './health-route.ts';
import { registerPayloadTooLargeHandler } from './payload-too-large.ts';
import { RequestLogController } from './request-log.ts';
import { registerWebApp } from './web-app.ts';

/** Requests larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
export const TRPC_PREFIX = '/trpc';

export type CreateAppOptions = {
  services: AppServices;
  logger: Logger;
  /** Serve the built web app from this directory (production). */
  webDistDir?: string | undefined;
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
    // Batched tRPC calls put every procedure path into one URL segment.
    routerOptions: { maxParamLength: 5000 },
  });

  registerPayloadTooLargeHandler(app, TRPC_PREFIX);

  const context: TrpcContext = {
    flows: services.flows,
    runs: services.runs,
    registry: services.registry,
    breakers: services.breakers,
    limits: services.limits,
  };
  await app.register(fastifyTRPCPlugin, {
    prefix: TRPC_PREFIX,
    trpcOptions: {
      router: appRouter,
      createContext: (_opts: CreateFastifyContextOptions) => context,
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
