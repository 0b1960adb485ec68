/**
 * http.request: real HTTP calls through the connector's fetch (the server's egress-guarded one),
 * with templated fields, a credential applied to each request, optional pagination, binary
 * bodies as base64, and typed failures that say whether to retry.
 */
import {
  defineNodeType,
  evaluateExpression,
  isTemplate,
  type NodeExecutionContext,
  NodeExecutionError,
  renderTemplate,
  soleExpression,
} from '@patchbay/engine';
import { defaultedPort, exchange, type Transport } from './http-exchange.ts';
import {
  type HttpRequestConfig,
  httpRequestConfigSchema,
  parseHttpUrl,
} from './http-request-config.ts';
import { HTTP_REQUEST_DOCS } from './http-request-docs.ts';
import { snippetOf } from './http-response.ts';
import { httpRetryOptions } from './http-retry.ts';
import { literalSecretWarnings } from './literal-secrets.ts';
import { type HttpPaginatedOutput, sendPaginated } from './paginated-request.ts';
import { HTTP_AUTH_CREDENTIAL_TYPES, resolveAuth } from './request-auth.ts';

export { upstreamTarget } from './http-exchange.ts';
export type { HttpPaginatedOutput } from './paginated-request.ts';

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export type HttpResponseOutput = {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Parsed JSON, text, or a BinaryBody ({ encoding: 'base64', data, contentType, bytes }). */
  body: unknown;
};

type Context = NodeExecutionContext<HttpRequestConfig>;

export type HttpConnectorOptions = {
  /** Every request goes through it: the server passes its egress-guarded fetch. */
  fetch: typeof globalThis.fetch;
  /**
   * Larger response bodies fail with HTTP_RESPONSE_TOO_LARGE; with pagination, the limit is on
   * all pages together. Default 10 MiB.
   */
  maxResponseBytes?: number;
};

export function createHttpRequestNode(options: HttpConnectorOptions) {
  const transport: Transport = {
    fetch: options.fetch,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
  return defineNodeType({
    type: 'http.request',
    title: 'HTTP request',
    description:
      'Calls an HTTP endpoint, optionally with a credential and pagination. URL, header and ' +
      'query values and the body accept {{ JSONata }} templates. Outputs status, headers and ' +
      'body (parsed JSON, text, or base64 for binary).',
    category: 'action',
    configSchema: httpRequestConfigSchema,
    defaultConfig: { url: 'https://example.com' },
    inputs: [{ id: 'in', label: 'Input' }],
    outputs: [{ id: 'out', label: 'Response' }],
    // Retries, timeout and breaker come from Patchbay's defaults, plus the HTTP status lists.
    sideEffects: true,
    retryOptions: httpRetryOptions,
    credentialTypes: HTTP_AUTH_CREDENTIAL_TYPES,
    docs: HTTP_REQUEST_DOCS,
    outputExample: {
      value: {
        status: 200,
        statusText: 'OK',
        headers: { 'content-type': 'application/json' },
        body: {},
      },
    },
    egressTargets: (config) => {
      const url = isTemplate(config.url) ? undefined : parseHttpUrl(config.url);
      if (!url) return [];
      return [{ path: ['url'], host: url.hostname, port: defaultedPort(url) }];
    },
    configWarnings: (config) => literalSecretWarnings(config),
    execute: async (ctx) => ({ output: await sendRequest(ctx, transport) }),
  });
}

async function sendRequest(
  ctx: Context,
  transport: Transport,
): Promise<HttpResponseOutput | HttpPaginatedOutput> {
  const { config } = ctx;
  const url = await buildUrl(ctx);
  const headers = await buildHeaders(ctx);
  const body = await buildBody(ctx, headers);
  // Resolved once per attempt (outside the upstream call: a missing credential is no upstream
  // failure); applied to each request inside it.
  const auth = config.auth ? await resolveAuth(ctx, config.auth.credentialId) : undefined;
  const request = { url, headers, body, auth };
  if (config.pagination) return sendPaginated(ctx, transport, request, config.pagination);
  const response = await exchange(ctx, transport, request, {
    budgetBytes: transport.maxResponseBytes,
    page: 1,
  });
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: response.body,
  };
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
