/**
 * Errors that Fastify decides before tRPC runs (a body too large, a cross-site write) are sent in
 * tRPC's own error shape for /trpc requests, so the client reports them like any other error: one
 * entry per procedure in a batch.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** JSON-RPC codes tRPC uses for these HTTP statuses. */
const JSONRPC_CODES: Record<number, number> = { 403: -32003, 413: -32013, 421: -32600 };

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  trpcPrefix: string,
  error: { status: number; code: string; title: string; message: string },
): FastifyReply {
  const url = new URL(request.url, 'http://localhost');
  if (!url.pathname.startsWith(`${trpcPrefix}/`)) {
    return reply
      .code(error.status)
      .send({ error: error.title, code: error.code, message: error.message });
  }
  const paths = decodeURIComponent(url.pathname.slice(trpcPrefix.length + 1)).split(',');
  const errorFor = (path: string) => ({
    error: {
      message: error.message,
      code: JSONRPC_CODES[error.status] ?? -32600,
      data: { code: error.code, httpStatus: error.status, path, issues: null, zodError: null },
    },
  });
  const body =
    url.searchParams.get('batch') === '1' ? paths.map(errorFor) : errorFor(paths[0] ?? '');
  return reply.code(error.status).send(body);
}
