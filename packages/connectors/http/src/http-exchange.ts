/**
 * One request of http.request, and its answer read within a byte budget: through ctx.upstream
 * (breaker and rate limit), with the credential applied inside the call, so that an OAuth 2
 * refresh after a 401 and the re-sent request count as that one call.
 */
import type { NodeExecutionContext } from '@patchbay/engine';
import {
  type ErrorSite,
  type FailureState,
  hiding,
  statusError,
  toHttpError,
} from './http-errors.ts';
import type { HttpRequestConfig } from './http-request-config.ts';
import { bodySnippet, decodeBody, headersToRecord, readBodyBytes } from './http-response.ts';
import type { RequestAuth } from './request-auth.ts';

/** What sending one request needs besides the node's context. */
export type Transport = { fetch: typeof globalThis.fetch; maxResponseBytes: number };

export type OutgoingRequest = {
  url: URL;
  /** Shared by every page: each request sends a copy, with the credential applied. */
  headers: Headers;
  body: string | undefined;
  auth: RequestAuth | undefined;
};

export type ReceivedResponse = {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Decoded per the node's responseFormat. */
  body: unknown;
  /** The raw `Link` header, for pagination. */
  link: string | null;
  /** Body bytes read, counted against the response size limit. */
  bytes: number;
};

type Context = NodeExecutionContext<HttpRequestConfig>;

/** The breaker and rate-limit key: scheme, host and port, e.g. "https://api.example.com:443". */
export function upstreamTarget(url: URL): string {
  return `${url.protocol}//${url.hostname}:${defaultedPort(url)}`;
}

export function defaultedPort(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

/** Messages are persisted with the run; query strings often carry credentials, so leave them out. */
export function targetOf(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

/**
 * Sends `request` and reads at most `budgetBytes` of its body. `page` (1 without pagination)
 * only shapes the size-limit message. Throws classified NodeExecutionErrors.
 */
export function exchange(
  ctx: Context,
  transport: Transport,
  request: OutgoingRequest,
  read: { budgetBytes: number; page: number },
): Promise<ReceivedResponse> {
  // Reading the body is part of the call: a connection that drops mid-body is the upstream failing.
  return ctx.upstream(upstreamTarget(request.url), () =>
    sendAndRead(ctx, transport, request, read),
  );
}

async function sendAndRead(
  ctx: Context,
  transport: Transport,
  request: OutgoingRequest,
  read: { budgetBytes: number; page: number },
): Promise<ReceivedResponse> {
  const { config } = ctx;
  const site: ErrorSite = {
    nodeId: ctx.nodeId,
    target: targetOf(config.method, request.url),
    hide: hiding(() => request.auth?.appliedValues() ?? []),
  };
  // One controller for the call and the body read: aborted by the attempt or by the timeout.
  const controller = new AbortController();
  const state: FailureState = {
    timedOut: false,
    timeoutMs: config.timeoutMs,
    signal: ctx.signal,
    maxResponseBytes: transport.maxResponseBytes,
    page: read.page,
  };
  const onAttemptAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAttemptAbort();
  else ctx.signal.addEventListener('abort', onAttemptAbort, { once: true });
  const cancelTimer = ctx.clock.setTimer(config.timeoutMs, () => {
    state.timedOut = true;
    controller.abort();
  });

  try {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    const applied = await request.auth?.apply({ url, headers, signal: controller.signal });
    const send = () =>
      transport.fetch(url, {
        method: config.method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: controller.signal,
      });
    let response = await send();
    if (response.status === 401 && applied?.refresh) {
      // The token was refused (revoked, or expired early): forget it and send once more.
      await response.body?.cancel();
      await applied.refresh();
      response = await send();
    }
    const bytes = await readBodyBytes(response, read.budgetBytes);
    const contentType = response.headers.get('content-type');
    if (!response.ok && config.failOnHttpError) {
      throw statusError(site, response, bodySnippet(bytes, contentType), ctx.clock.now());
    }
    return {
      status: response.status,
      statusText: response.statusText,
      headers: headersToRecord(response.headers),
      body: decodeBody(bytes, contentType, config.responseFormat),
      link: response.headers.get('link'),
      bytes: bytes.byteLength,
    };
  } catch (error) {
    throw toHttpError(site, error, state);
  } finally {
    cancelTimer();
    ctx.signal.removeEventListener('abort', onAttemptAbort);
  }
}
