/**
 * Fastify's error handler, for errors outside tRPC procedures (which the tRPC error formatter
 * handles): oversized bodies get a clear 413, an unreachable database a 503, and any other server
 * error a 500 that says only "something went wrong" with a reference the log carries too. Client
 * errors (4xx: a malformed JSON body, a bad content type) keep Fastify's own message. For /trpc
 * requests the body is in tRPC's error shape.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailableError } from '../db/database-unavailable.ts';
import { MAX_DOCUMENT_BYTES } from '../flows/flow-service.ts';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../trpc/domain-error-mapping.ts';
import { errorReference, internalErrorMessage } from '../trpc/error-reference.ts';
import { sendError } from './trpc-error-response.ts';

export function registerErrorHandler(app: FastifyInstance, trpcPrefix: string): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 413) {
      const limit = app.initialConfig.bodyLimit ?? 0;
      request.log.info({ url: request.url }, 'Request body too large');
      return sendError(request, reply, trpcPrefix, {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        title: 'Payload Too Large',
        message: `The request is too large: the limit is ${(limit / 1024 / 1024).toFixed(0)} MiB. Flow documents may be at most ${(MAX_DOCUMENT_BYTES / 1024 / 1024).toFixed(0)} MiB.`,
      });
    }
    if (status >= 400 && status < 500) {
      request.log.info({ url: request.url, code: error.code }, error.message);
      return sendError(request, reply, trpcPrefix, {
        status,
        code: error.code ?? 'BAD_REQUEST',
        title: STATUS_CODES[status] ?? 'Bad Request',
        message: error.message,
      });
    }
    if (isDatabaseUnavailableError(error)) {
      request.log.warn({ err: error, url: request.url }, 'Database unreachable');
      return sendError(request, reply, trpcPrefix, {
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        title: 'Service Unavailable',
        message: DATABASE_UNAVAILABLE_MESSAGE,
      });
    }
    const reference = errorReference(error);
    request.log.error({ err: error, url: request.url, reference }, 'Request failed');
    return sendError(request, reply, trpcPrefix, {
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      title: 'Internal Server Error',
      message: internalErrorMessage(reference),
    });
  });
}
