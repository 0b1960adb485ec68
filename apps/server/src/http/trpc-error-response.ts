/**
 * Errors that Fastify decides before or after tRPC runs (a body too large, a cross-site write, a
 * batch response too large) are sent in tRPC's own error shape for /trpc requests, so the client
 * reports them like any other error: one entry per procedure in a batch.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** JSON-RPC codes tRPC uses for these HTTP statuses. */
const JSONRPC_CODES: Record<number, number> = {
  403: -32003,
  413: -32013,
  421: -32600,
  500: -32603,
  503: -32603,
};

export type HttpError = { status: number; code: string; title: string; message: string };

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  trpcPrefix: string,
  error: HttpError,
): FastifyReply {
  return reply.code(error.status).send(errorBody(request, trpcPrefix, error));
}

/** The body for `error`: tRPC's shape under the tRPC prefix, `{ error, code, message }` elsewhere. */
export function errorBody(request: FastifyRequest, trpcPrefix: string, error: HttpError): unknown {
  const call = trpcCallOf(request, trpcPrefix);
  if (!call) return { error: error.title, code: error.code, message: error.message };
  const errorFor = (path: string) => ({
    error: {
      message: error.message,
      code: JSONRPC_CODES[error.status] ?? -32600,
      data: {
        code: error.code,
        httpStatus: error.status,
        path,
        issues: null,
        zodError: null,
        field: null,
      },
    },
  });
  return call.batch ? call.paths.map(errorFor) : errorFor(call.paths[0] ?? '');
}

/** The procedure paths of a /trpc request, and whether it is a batch; undefined elsewhere. */
export function trpcCallOf(
  request: FastifyRequest,
  trpcPrefix: string,
): { paths: string[]; batch: boolean } | undefined {
  const url = new URL(request.url, 'http://localhost');
  if (!url.pathname.startsWith(`${trpcPrefix}/`)) return undefined;
  let paths: string[];
  try {
    paths = decodeURIComponent(url.pathname.slice(trpcPrefix.length + 1)).split(',');
  } catch {
    paths = [url.pathname.slice(trpcPrefix.length + 1)];
  }
  return { paths, batch: url.searchParams.get('batch') === '1' };
}
