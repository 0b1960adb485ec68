/**
 * Bounds the response to a batched tRPC request. Each procedure's answer is bounded by
 * construction (run values come as previews within a per-run budget, documents are at most 4 MiB,
 * lists are paginated) and a batch holds at most MAX_BATCH_SIZE calls; this is the backstop on
 * the sum: a batch whose response would exceed the limit gets 413 for each of its calls, asking
 * for fewer calls per request, instead of tens of megabytes from a request of a few hundred bytes.
 * A single call is not limited here: a download (runs.value) is as large as the value it returns.
 */
import type { FastifyInstance } from 'fastify';
import { errorBody, trpcCallOf } from './trpc-error-response.ts';

export function registerBatchResponseLimit(
  app: FastifyInstance,
  options: { trpcPrefix: string; maxBytes: number },
): void {
  const { trpcPrefix, maxBytes } = options;
  app.addHook('onSend', async (request, reply, payload) => {
    const call = trpcCallOf(request, trpcPrefix);
    if (!call?.batch || call.paths.length < 2 || !(payload instanceof Response)) return payload;
    // tRPC answers with a fetch Response; Fastify would copy its status and headers after this
    // hook, so when the body is taken out here, they are copied here.
    reply.code(payload.status);
    for (const [name, value] of payload.headers) reply.header(name, value);
    const body = await payload.text();
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes <= maxBytes) return body;
    request.log.warn({ url: request.url, bytes, maxBytes }, 'Batch response too large');
    reply.code(413);
    reply.header('content-type', 'application/json');
    return JSON.stringify(
      errorBody(request, trpcPrefix, {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        title: 'Payload Too Large',
        message: `The answer to this batch of ${call.paths.length} calls would be ${mib(bytes)}; the limit is ${mib(maxBytes)}. Send fewer calls per request.`,
      }),
    );
  });
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
