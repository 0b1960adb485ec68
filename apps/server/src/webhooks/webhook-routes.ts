/**
 * /hooks/<flowId or path>: every method, no sign-in (a webhook is protected by its signature or
 * an unguessable path). In a plugin of its own, so that its body parser keeps the raw bytes of
 * any content type (signatures are computed over them) and its body limit,
 * PATCHBAY_WEBHOOK_MAX_BYTES, answers 413 before anything is parsed or written.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import { errorResponse, type WebhookIngress, type WebhookResponse } from './webhook-ingress.ts';

export const WEBHOOK_PREFIX = '/hooks';
export const DEFAULT_WEBHOOK_MAX_BYTES = 1024 * 1024;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export async function registerWebhookRoutes(
  app: FastifyInstance,
  options: { ingress: WebhookIngress; maxBytes: number },
): Promise<void> {
  const { ingress, maxBytes } = options;
  await app.register(async (hooks) => {
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: maxBytes },
      (_req, body, done) => done(null, body),
    );
    hooks.setErrorHandler((error: FastifyError, request, reply) => {
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status === 413) {
        request.log.debug({ url: request.url }, 'Webhook body too large');
        return send(
          reply,
          errorResponse(
            413,
            'PAYLOAD_TOO_LARGE',
            `The request body is too large: webhooks accept at most ${maxBytes} bytes (PATCHBAY_WEBHOOK_MAX_BYTES).`,
          ),
        );
      }
      if (status >= 400 && status < 500) {
        return send(reply, errorResponse(status, error.code ?? 'BAD_REQUEST', error.message));
      }
      // Anything else: the app's error handler (a reference instead of internals, 503 without
      // the database).
      throw error;
    });
    hooks.route<{ Params: { key: string } }>({
      method: [...METHODS],
      url: `${WEBHOOK_PREFIX}/:key`,
      bodyLimit: maxBytes,
      handler: async (request, reply) => {
        const search = request.url.indexOf('?');
        const response = await ingress.handle({
          key: request.params.key,
          method: request.method,
          headers: request.headers,
          query: new URLSearchParams(search < 0 ? '' : request.url.slice(search + 1)),
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        });
        request.log.debug(
          { key: request.params.key, status: response.status },
          'Webhook request answered',
        );
        return send(reply, response);
      },
    });
  });
}

function send(reply: FastifyReply, response: WebhookResponse): FastifyReply {
  processMetrics.webhookRequests.inc({ status: String(response.status) });
  // Serialised here: a result that is a bare string must still go out as JSON.
  return reply
    .code(response.status)
    .headers(response.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(response.body ?? null));
}
