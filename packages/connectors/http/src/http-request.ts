/**
 * http.request: one real HTTP call through the connector's fetch (the server's egress-guarded
 * one), with templated fields and typed failures that say whether to retry.
 */
import {
  defineNodeType,
  evaluateExpression,
  isTemplate,
  type NodeExecutionContext,
  NodeExecutionError,
  PatchbayError,
  parseRetryAfter,
  renderTemplate,
  soleExpression,
  toNodeError,
} from '@patchbay/engine';
import {
  type HttpRequestConfig,
  httpRequestConfigSchema,
  parseHttpUrl,
} from './http-request-config.ts';
import { HTTP_REQUEST_DOCS } from './http-request-docs.ts';
import {
  decodeBody,
  headersToRecord,
  ResponseNotJsonError,
  ResponseTooLargeError,
  readBodyText,
  snippetOf,
} from './http-response.ts';
import { httpRetryOptions } from './http-retry.ts';

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export type HttpResponseOutput = {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: unknown;
};

type Context = NodeExecutionContext<HttpRequestConfig>;

export type HttpConnectorOptions = {
  /** Every request goes through it: the server passes its egress-guarded fetch. */
  fetch: typeof globalThis.fetch;
  /** Larger response bodies fail with HTTP_RESPONSE_TOO_LARGE. Default 10 MiB. */
  maxResponseBytes?: number;
};

/** What sending one request needs besides the node's context. */
type Transport = { fetch: typeof globalThis.fetch; maxResponseBytes: number };

export function createHttpRequestNode(options: HttpConnectorOptions) {
  const transport: Transport = {
    fetch: options.fetch,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
  return defineNodeType({
    type: 'http.request',
    title: 'HTTP request',
    description:
      'Calls an HTTP endpoint. URL, header and query values and the body accept {{ JSONata }} ' +
      'templates. Outputs status, headers and body (parsed when JSON).',
    category: 'action',
    configSchema: httpRequestConfigSchema,
    defaultConfig: { url: 'https://example.com' },
    inputs: [{ id: 'in', label: 'Input' }],
    outputs: [{ id: 'out', label: 'Response' }],
    // Retries, timeout and breaker come from Patchbay's defaults, plus the HTTP status lists.
    sideEffects: true,
    retryOptions: httpRetryOptions,
    docs: HTTP_REQUEST_DOCS,
    egressTargets: (config) => {
      const url = isTemplate(config.url) ? undefined : parseHttpUrl(config.url);
      if (!url) return [];
      return [{ path: ['url'], host: url.hostname, port: defaultedPort(url) }];
    },
    execute: async (ctx) => ({ output: await sendRequest(ctx, transport) }),
  });
}

async function sendRequest(ctx: Context, transport: Transport): Promise<HttpResponseOutput> {
  const { config } = ctx;
  const url = await buildUrl(ctx);
  const headers = await buildHeaders(ctx);
  const body = await buildBody(ctx, headers);
  // Messages are persisted with the run; query strings often carry credentials, so leave them out.
  const target = `${config.method} ${url.origin}${url.pathname}`;
  // Reading the body is part of the call: a connection that drops mid-body is the upstream failing.
  return ctx.upstream(upstreamTarget(url), () =>
    fetchResponse(ctx, transport, url, { headers, body, target }),
  );
}

/** The breaker and rate-limit key: scheme, host and port, e.g. "https://api.example.com:443". */
export function upstreamTarget(url: URL): string {
  return `${url.protocol}//${url.hostname}:${defaultedPort(url)}`;
}

function defaultedPort(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

async function fetchResponse(
  ctx: Context,
  transport: Transport,
  url: URL,
  request: { headers: Headers; body: string | undefined; target: string },
): Promise<HttpResponseOutput> {
  const { config } = ctx;
  const { headers, body, target } = request;
  const { maxResponseBytes } = transport;
  // One controller for the call and the body read: aborted by the attempt or by the timeout.
  const controller = new AbortController();
  let timedOut = false;
  const onAttemptAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAttemptAbort();
  else ctx.signal.addEventListener('abort', onAttemptAbort, { once: true });
  const cancelTimer = ctx.clock.setTimer(config.timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });

  try {
    const response = await transport.fetch(url, {
      method: config.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: controller.signal,
    });
    const text = await readBodyText(response, maxResponseBytes);
    if (!response.ok && config.failOnHttpError) throw statusError(ctx, target, response, text);
    return {
      status: response.status,
      statusText: response.statusText,
      headers: headersToRecord(response.headers),
      body: decodeBody(text, response.headers.get('content-type')),
    };
  } catch (error) {
    throw toHttpError(ctx, target, error, { timedOut, maxResponseBytes });
  } finally {
    cancelTimer();
    ctx.signal.removeEventListener('abort', onAttemptAbort);
  }
}

async function buildUrl(ctx: Context): Promise<URL> {
  const rendered = await renderTemplate(ctx.config.url, ctx, { nodeId: ctx.nodeId, field: 'url' });
  const url = parseHttpUrl(rendered);
  if (!url) {
    throw new NodeExecutionError(
      ctx.nodeId,
      'HTTP_INVALID_URL',
      `Node "${ctx.nodeId}": URL "${rendered}" is not a valid http(s) URL`,
      { nonRetryable: true, details: { field: 'url', url: rendered } },
    );
  }
  for (const [name, value] of Object.entries(ctx.config.query)) {
    const field = `query.${name}`;
    url.searchParams.append(name, await renderTemplate(value, ctx, { nodeId: ctx.nodeId, field }));
  }
  return url;
}

async function buildHeaders(ctx: Context): Promise<Headers> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.config.headers)) {
    const field = `headers.${name}`;
    const rendered = await renderTemplate(value, ctx, { nodeId: ctx.nodeId, field });
    try {
      headers.set(name, rendered);
    } catch (error) {
      throw new NodeExecutionError(
        ctx.nodeId,
        'HTTP_INVALID_HEADER',
        `Node "${ctx.nodeId}": header "${name}" has a value HTTP does not allow (line breaks?)`,
        { nonRetryable: true, details: { field }, cause: error },
      );
    }
  }
  if (!headers.has('idempotency-key')) headers.set('Idempotency-Key', ctx.idempotencyKey);
  return headers;
}

async function buildBody(ctx: Context, headers: Headers): Promise<string | undefined> {
  const { bodyType, body } = ctx.config;
  if (bodyType === 'none') return undefined;
  const site = { nodeId: ctx.nodeId, field: 'body' };
  if (bodyType === 'text') {
    if (!headers.has('content-type')) headers.set('Content-Type', 'text/plain; charset=utf-8');
    return renderTemplate(body, ctx, site);
  }
  if (!headers.has('content-type')) headers.set('Content-Type', 'application/json');
  // A body that is one {{ }} is sent as the JSON of its value, so values need no quoting.
  const sole = soleExpression(body);
  const text =
    sole === undefined
      ? await renderTemplate(body, ctx, site)
      : (JSON.stringify(await evaluateExpression(sole, ctx, site)) ?? 'null');
  try {
    JSON.parse(text);
  } catch (error) {
    throw new NodeExecutionError(
      ctx.nodeId,
      'HTTP_INVALID_BODY',
      `Node "${ctx.nodeId}": the rendered JSON body is not valid JSON (${String(error)})`,
      { nonRetryable: true, details: { field: 'body', body: snippetOf(text) } },
    );
  }
  return text;
}

function statusError(ctx: Context, target: string, response: Response, text: string) {
  const { status, statusText } = response;
  // 5xx and 429 are transient; a 429 is the upstream asking callers to slow down (a throttle).
  const throttled = status === 429;
  const retryable = status >= 500 || throttled;
  const retryAfterMs = retryable
    ? parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now())
    : undefined;
  return new NodeExecutionError(
    ctx.nodeId,
    'HTTP_STATUS',
    `Node "${ctx.nodeId}": ${target} answered ${status} ${statusText}`.trimEnd(),
    {
      retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(throttled ? { waitReason: 'throttled' as const } : {}),
      details: {
        status,
        statusText,
        body: snippetOf(text),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    },
  );
}

function toHttpError(
  ctx: Context,
  target: string,
  error: unknown,
  state: { timedOut: boolean; maxResponseBytes: number },
): NodeExecutionError {
  if (error instanceof NodeExecutionError) return error;
  const node = `Node "${ctx.nodeId}"`;
  if (state.timedOut) {
    return new NodeExecutionError(
      ctx.nodeId,
      'HTTP_TIMEOUT',
      `${node}: ${target} did not complete within ${ctx.config.timeoutMs} ms`,
      { retryable: true, details: { timeoutMs: ctx.config.timeoutMs }, cause: error },
    );
  }
  if (ctx.signal.aborted) {
    // The executor aborts an attempt with a typed reason (STEP_TIMEOUT, RUN_TIMEOUT); keep it.
    const reason: unknown = ctx.signal.reason;
    if (reason instanceof PatchbayError) return toNodeError(ctx.nodeId, reason);
    return new NodeExecutionError(ctx.nodeId, 'CANCELLED', `${node}: ${target} was cancelled`, {
      cause: error,
    });
  }
  // A typed refusal from the injected fetch (e.g. the egress policy's EGRESS_DENIED) keeps its
  // code and retry decision; fetch may report it as the cause of its own "fetch failed".
  const typed = typedErrorOf(error);
  if (typed) return toNodeError(ctx.nodeId, typed);
  if (error instanceof ResponseTooLargeError) {
    return new NodeExecutionError(
      ctx.nodeId,
      'HTTP_RESPONSE_TOO_LARGE',
      `${node}: ${target} returned a ${error.message}`,
      { details: { limitBytes: error.limitBytes } },
    );
  }
  if (error instanceof ResponseNotJsonError) {
    return new NodeExecutionError(
      ctx.nodeId,
      'HTTP_INVALID_JSON',
      `${node}: ${target}: ${error.message}`,
      {
        details: { body: error.snippet },
      },
    );
  }
  return new NodeExecutionError(
    ctx.nodeId,
    'HTTP_NETWORK',
    `${node}: ${target} failed: ${networkReason(error)}`,
    { retryable: true, cause: error },
  );
}

function typedErrorOf(error: unknown): PatchbayError | undefined {
  if (error instanceof PatchbayError) return error;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof PatchbayError ? cause : undefined;
}

/** fetch reports "fetch failed" and hides the socket error in `cause`; surface the useful part. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
