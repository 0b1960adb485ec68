import { createFakeClock, NodeExecutionError, PatchbayError } from '@patchbay/engine';
import { type NodeRunOptions, runNodeType } from '@patchbay/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpRequestNode,
  type HttpConnectorOptions,
  upstreamTarget,
} from './http-request.ts';
import {
  closedPort,
  type LocalHttpServer,
  startLocalHttpServer,
} from './test-support/local-http-server.ts';

const httpRequestNode = createHttpRequestNode({ fetch: globalThis.fetch });

const ORDERS = {
  orders: [
    { id: 1, status: 'paid' },
    { id: 2, status: 'open' },
  ],
};

let server: LocalHttpServer;

beforeAll(async () => {
  server = await startLocalHttpServer((request, response) => {
    const path = request.url.split('?')[0];
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    switch (path) {
      case '/orders':
        return json(200, ORDERS, { 'x-total': '2' });
      case '/echo':
        return json(201, { method: request.method, url: request.url, body: request.body });
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('hello');
      case '/missing':
        response.writeHead(404, { 'content-type': 'text/plain' });
        return response.end('no such order');
      case '/unavailable':
        return json(503, { error: 'maintenance' });
      case '/busy':
        return json(429, { error: 'slow down' }, { 'retry-after': '7' });
      case '/busy-until':
        return json(429, {}, { 'retry-after': 'Wed, 01 Jan 2025 00:01:00 GMT' });
      case '/big':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('x'.repeat(4096));
      case '/not-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end('<html>oops</html>');
      case '/hang':
        return; // never answers
      default:
        return json(500, { error: `no route ${path}` });
    }
  });
});

afterAll(() => server.close());

/** Runs http.request; `fetch` replaces the connector's transport for this one call. */
const run = (
  config: Record<string, unknown>,
  { fetch, ...options }: NodeRunOptions & Partial<HttpConnectorOptions> = {},
) =>
  runNodeType(fetch ? createHttpRequestNode({ fetch }) : httpRequestNode, config, {
    nodeId: 'fetch',
    ...options,
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(NodeExecutionError);
      return error as NodeExecutionError;
    },
  );

describe('http.request', () => {
  it('GETs JSON and outputs status, headers and the parsed body', async () => {
    const result = await run({ url: `${server.baseUrl}/orders` });
    expect(result.output).toEqual({
      status: 200,
      statusText: 'OK',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-total': '2' }),
      body: ORDERS,
    });
  });

  it('POSTs a JSON body rendered from templates, with query and headers', async () => {
    const result = await run(
      {
        method: 'POST',
        url: `${server.baseUrl}/echo`,
        query: { customer: '{{ $trigger.customer }}', page: '2' },
        headers: { 'X-Order': '{{ $.id }}', Authorization: 'Bearer {{ $nodes.login.token }}' },
        bodyType: 'json',
        body: '{"id": {{ $.id }}, "name": "{{ $.name }}", "items": {{ $.items }}}',
      },
      {
        input: { id: 7, name: 'Ada', items: [1, 2] },
        nodes: { login: { token: 's3cret' } },
        trigger: { customer: 'c 1&2' },
      },
    );
    const request = server.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/echo?customer=c+1%262&page=2');
    expect(request.headers).toMatchObject({
      'x-order': '7',
      authorization: 'Bearer s3cret',
      'content-type': 'application/json',
      'idempotency-key': 'run-1:fetch',
    });
    expect(JSON.parse(request.body)).toEqual({ id: 7, name: 'Ada', items: [1, 2] });
    expect(result.output).toMatchObject({ status: 201 });
  });

  it('sends the value of a body that is one template as JSON', async () => {
    await run(
      { method: 'PUT', url: `${server.baseUrl}/echo`, bodyType: 'json', body: '{{ $.order }}' },
      { input: { order: { id: 1, note: 'says "hi"' } } },
    );
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ id: 1, note: 'says "hi"' });
  });

  it('fails before sending when a rendered JSON body is not JSON', async () => {
    const before = server.requests.length;
    const error = await failure(
      run(
        {
          method: 'POST',
          url: `${server.baseUrl}/echo`,
          bodyType: 'json',
          body: '{"name": {{ $.name }}}',
        },
        { input: { name: 'Ada' } },
      ),
    );
    expect(error).toMatchObject({
      code: 'HTTP_INVALID_BODY',
      retryable: false,
      nonRetryable: true,
      details: { field: 'body' },
    });
    expect(server.requests.length).toBe(before);
  });

  it('keeps an Idempotency-Key the user set', async () => {
    await run({ url: `${server.baseUrl}/echo`, headers: { 'idempotency-key': 'mine' } });
    expect(server.requests.at(-1)!.headers['idempotency-key']).toBe('mine');
  });

  it('outputs text bodies as text', async () => {
    const result = await run({ url: `${server.baseUrl}/text` });
    expect(result.output).toMatchObject({ status: 200, body: 'hello' });
  });

  it('fails a 404 without retry, with the status and a body snippet, hiding the query', async () => {
    const error = await failure(run({ url: `${server.baseUrl}/missing?token=secret` }));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.retryable).toBe(false);
    expect(error.nodeId).toBe('fetch');
    expect(error.details).toEqual({ status: 404, statusText: 'Not Found', body: 'no such order' });
    expect(error.message).toBe(
      `Node "fetch": GET ${server.baseUrl}/missing answered 404 Not Found`,
    );
  });

  it('fails a 503 as retryable', async () => {
    const error = await failure(run({ url: `${server.baseUrl}/unavailable` }));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', retryable: true, details: { status: 503 } });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('fails a 429 as retryable after the Retry-After delay', async () => {
    const seconds = await failure(run({ url: `${server.baseUrl}/busy` }));
    expect(seconds).toMatchObject({
      code: 'HTTP_STATUS',
      retryable: true,
      retryAfterMs: 7000,
      waitReason: 'throttled',
    });
    const clock = createFakeClock(new Date('2025-01-01T00:00:00.000Z'));
    const date = await failure(run({ url: `${server.baseUrl}/busy-until` }, { clock }));
    expect(date.retryAfterMs).toBe(60_000);
  });

  it('outputs error responses when failOnHttpError is false', async () => {
    const result = await run({ url: `${server.baseUrl}/unavailable`, failOnHttpError: false });
    expect(result.output).toMatchObject({ status: 503, body: { error: 'maintenance' } });
  });

  it('fails with a retryable network error when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/orders`;
    const error = await failure(run({ url }));
    expect(error).toMatchObject({ code: 'HTTP_NETWORK', retryable: true });
    expect(error.message).toContain(`GET ${url} failed: `);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('times out on the clock with a retryable error', async () => {
    const clock = createFakeClock();
    const arrived = server.nextRequest();
    const pending = failure(run({ url: `${server.baseUrl}/hang`, timeoutMs: 5000 }, { clock }));
    await arrived;
    clock.advance(4999);
    clock.advance(1);
    const error = await pending;
    expect(error).toMatchObject({
      code: 'HTTP_TIMEOUT',
      retryable: true,
      details: { timeoutMs: 5000 },
    });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stops reading a body larger than the limit', async () => {
    const small = createHttpRequestNode({ fetch: globalThis.fetch, maxResponseBytes: 1024 });
    const error = await failure(
      runNodeType(small, { url: `${server.baseUrl}/big` }, { nodeId: 'fetch' }),
    );
    expect(error).toMatchObject({ code: 'HTTP_RESPONSE_TOO_LARGE', retryable: false });
    expect(error.message).toContain('larger than 1024 bytes');
  });

  it('reports a JSON content type whose body does not parse', async () => {
    const error = await failure(run({ url: `${server.baseUrl}/not-json` }));
    expect(error).toMatchObject({
      code: 'HTTP_INVALID_JSON',
      details: { body: '<html>oops</html>' },
    });
  });

  it('rejects a templated URL that does not render to http(s)', async () => {
    const error = await failure(
      run({ url: '{{ $.target }}' }, { input: { target: 'file:///etc/passwd' } }),
    );
    expect(error).toMatchObject({
      code: 'HTTP_INVALID_URL',
      nonRetryable: true,
      details: { field: 'url' },
    });
  });

  it('reports cancellation by the run as CANCELLED, not as a network error', async () => {
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const pending = failure(run({ url: `${server.baseUrl}/hang` }, { signal: controller.signal }));
    await arrived;
    controller.abort();
    expect(await pending).toMatchObject({ code: 'CANCELLED', retryable: false });
  });

  it('keeps the typed reason when the attempt is aborted by a timeout or the deadline', async () => {
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const pending = failure(run({ url: `${server.baseUrl}/hang` }, { signal: controller.signal }));
    await arrived;
    controller.abort(new PatchbayError('STEP_TIMEOUT', 'too slow', { retryable: true }));
    expect(await pending).toMatchObject({ code: 'STEP_TIMEOUT', retryable: true, nodeId: 'fetch' });
  });

  it('makes the call, body included, through ctx.upstream keyed by scheme, host and port', async () => {
    const calls: { target: string; settled: boolean }[] = [];
    const result = await run(
      { url: `${server.baseUrl}/orders?page=2` },
      {
        upstream: async (target, call) => {
          const entry = { target, settled: false };
          calls.push(entry);
          const value = await call();
          entry.settled = true;
          return value;
        },
      },
    );
    expect(calls).toEqual([{ target: `http://127.0.0.1:${server.port}`, settled: true }]);
    expect(result.output).toMatchObject({ body: ORDERS });
  });

  it('does not send the request when the guard refuses the call', async () => {
    const before = server.requests.length;
    const refused = new PatchbayError('CIRCUIT_OPEN', 'open', { retryable: true });
    await expect(
      run({ url: `${server.baseUrl}/orders` }, { upstream: () => Promise.reject(refused) }),
    ).rejects.toBe(refused);
    expect(server.requests.length).toBe(before);
  });
});

describe('http.request with a fetch that refuses a call (the egress policy)', () => {
  const refusal = () =>
    new PatchbayError('EGRESS_DENIED', 'Egress to 127.0.0.1:5432 is denied: loopback address.', {
      details: { address: '127.0.0.1', rule: 'loopback address' },
    });

  it('fails with the typed error the fetch rejected with, not a retryable network error', async () => {
    const refused = refusal();
    const error = await failure(
      run({ url: 'http://127.0.0.1:5432/' }, { fetch: () => Promise.reject(refused) }),
    );
    expect(error).toMatchObject({
      code: 'EGRESS_DENIED',
      retryable: false,
      nodeId: 'fetch',
      message: refused.message,
      details: { address: '127.0.0.1', rule: 'loopback address' },
    });
  });

  it('finds the typed error behind fetch\'s own "fetch failed"', async () => {
    const wrapped = new TypeError('fetch failed', { cause: refusal() });
    const error = await failure(
      run({ url: 'http://127.0.0.1:5432/' }, { fetch: () => Promise.reject(wrapped) }),
    );
    expect(error).toMatchObject({ code: 'EGRESS_DENIED', retryable: false });
  });
});

describe('http.request egressTargets', () => {
  const targetsOf = (config: Record<string, unknown>) =>
    httpRequestNode.egressTargets?.(httpRequestNode.configSchema.parse(config));

  it('names the host and port of a literal URL, with the default port filled in', () => {
    expect(targetsOf({ url: 'https://api.example.com/v1' })).toEqual([
      { path: ['url'], host: 'api.example.com', port: 443 },
    ]);
    expect(targetsOf({ url: 'http://[::1]:8080/' })).toEqual([
      { path: ['url'], host: '[::1]', port: 8080 },
    ]);
  });

  it('names nothing for a templated URL, which is only known when it runs', () => {
    expect(targetsOf({ url: 'http://{{ $.host }}/' })).toEqual([]);
  });
});

describe('upstreamTarget', () => {
  it('names the scheme, host and port, with the default port filled in', () => {
    expect(upstreamTarget(new URL('https://api.example.com/v1/orders?x=1'))).toBe(
      'https://api.example.com:443',
    );
    expect(upstreamTarget(new URL('http://api.example.com/'))).toBe('http://api.example.com:80');
    expect(upstreamTarget(new URL('http://user:pw@127.0.0.1:8080/a'))).toBe(
      'http://127.0.0.1:8080',
    );
    expect(upstreamTarget(new URL('http://[::1]:9000/'))).toBe('http://[::1]:9000');
  });
});
