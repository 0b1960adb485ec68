/**
 * Oversized request bodies are refused by Fastify's body limit before tRPC sees them. This turns
 * that into a clear message, shaped as a tRPC error response for /trpc so the client reports it
 * like any other error (one entry per procedure in a batch).
 */
import type { FastifyError, FastifyInstance } from 'fastify';

const PAYLOAD_TOO_LARGE_JSONRPC_CODE = -32013;

export function registerPayloadTooLargeHandler(app: FastifyInstance, trpcPrefix: string): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode !== 413) {
      // Fastify's default handling, for everything else.
      throw error;
    }
    const limit = app.initialConfig.bodyLimit ?? 0;
    const message = `The request is too large: the limit is ${(limit / 1024 / 1024).toFixed(0)} MiB. Flow documents may be at most 1 MiB.`;
    request.log.info({ url: request.url }, 'Request body too large');

    const url = new URL(request.url, 'http://localhost');
    if (!url.pathname.startsWith(`${trpcPrefix}/`)) {
      return reply.code(413).send({ error: 'Payload Too Large', message });
    }
    const paths = decodeURIComponent(url.pathname.slice(trpcPrefix.length + 1)).split(',');
    const errorFor = (path: string) => ({
      error: {
        message,
        code: PAYLOAD_TOO_LARGE_JSONRPC_CODE,
        data: {
          code: 'PAYLOAD_TOO_LARGE',
          httpStatus: 413,
          path,
          issues: null,
          zodError: null,
        },
      },
    });
    const body =
      url.searchParams.get('batch') === '1' ? paths.map(errorFor) : errorFor(paths[0] ?? '');
    return reply.code(413).send(body);
  });
}
