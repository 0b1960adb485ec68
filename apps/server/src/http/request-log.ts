/**
 * Fastify's per-request log lines, moved to debug: the default log (info) is about the app, not
 * its traffic. One line per request (when it completes) instead of two. Failures keep their
 * level: a request that errored and a 5xx from the default error handler still log at error.
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    reply.log.debug(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  }

  override defaultErrorLog(
    error: Error,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (reply.statusCode >= 500) {
      super.defaultErrorLog(error, request, reply, metadata);
      return;
    }
    reply.log.debug({ statusCode: reply.statusCode, err: error }, error.message);
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'route not found');
  }
}
