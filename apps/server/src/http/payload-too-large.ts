/**
 * Oversized request bodies are refused by Fastify's body limit before tRPC sees them. This turns
 * that into a clear message (in tRPC's error shape for /trpc).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { sendError } from './trpc-error-response.ts';

export function registerPayloadTooLargeHandler(app: FastifyInstance, trpcPrefix: string): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode !== 413) {
      // Fastify's default handling, for everything else.
      throw error;
    }
    const limit = app.initialConfig.bodyLimit ?? 0;
    request.log.info({ url: request.url }, 'Request body too large');
    return sendError(request, reply, trpcPrefix, {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      title: 'Payload Too Large',
      message: `The request is too large: the limit is ${(limit / 1024 / 1024).toFixed(0)} MiB. Flow documents may be at most 1 MiB.`,
    });
  });
}
