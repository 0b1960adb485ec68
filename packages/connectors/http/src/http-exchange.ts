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
import type { AppliedAuth, RequestAuth } from './request-auth.ts';

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
    const init = { method: config.method, body: request.body, signal: controller.signal };
    let sent = await send(transport, request, init);
    if (sent.response.status === 401 && sent.applied?.refresh) {
      // The token was refused (revoked, or expired early): forget it and send once more.
      await sent.response.body?.cancel();
      await sent.applied.refresh();
      sent = await send(transport, request, init);
    }
    const { response } = sent;
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

type SendInit = { method: string; body: string | undefined; signal: AbortSignal };

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * Sends the request. Without a credential, fetch follows redirects itself. With one, redirects
 * are followed here, so that the credential goes only to the origin it was configured for: fetch
 * drops `Authorization` on a cross-origin redirect, but would carry a credential's own header
 * (`X-API-Key`) along, and the hop after a redirect would lack the credential on the same origin.
 */
async function send(
  transport: Transport,
  request: OutgoingRequest,
  init: SendInit,
): Promise<{ response: Response; applied?: AppliedAuth }> {
  const { auth } = request;
  if (!auth) {
    const response = await transport.fetch(request.url, {
      method: init.method,
      headers: new Headers(request.headers),
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal,
    });
    return { response };
  }
  const origin = request.url.origin;
  let url = new URL(request.url);
  let { method, body } = init;
  let bodyDropped = false;
  for (let hop = 0; ; hop++) {
    const headers = new Headers(request.headers);
    let applied: AppliedAuth | undefined;
    if (url.origin === origin) {
      applied = await auth.apply({ url, headers, signal: init.signal });
    } else {
      headers.delete('authorization');
    }
    if (bodyDropped) headers.delete('content-type');
    const response = await transport.fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
      signal: init.signal,
    });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) {
      return applied ? { response, applied } : { response };
    }
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = URL.parse(location, url.href);
    if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
      throw new Error('a redirect to a location that is not an http(s) URL');
    }
    // As fetch does: 303 turns into GET, and so do 301 and 302 after a POST.
    const toGet =
      (response.status === 303 && method !== 'HEAD') ||
      ((response.status === 301 || response.status === 302) && method === 'POST');
    if (toGet) {
      method = 'GET';
      bodyDropped ||= body !== undefined;
      body = undefined;
    }
    url = next;
  }
}
