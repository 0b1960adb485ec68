/**
 * http.request with `pagination` against a real local server that pages 7 items in every mode
 * (Link header, cursor, offset, page): all items in one output, `maxPages` truncation, the size
 * limit across pages, each page its own upstream call.
 */
import { createFakeClock, NodeExecutionError } from '@patchbay/engine';
import { type NodeRunOptions, runNodeType } from '@patchbay/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRequestNode } from './http-request.ts';
import { type LocalHttpServer, startLocalHttpServer } from './test-support/local-http-server.ts';

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
const node = createHttpRequestNode({ fetch: globalThis.fetch });

let server: LocalHttpServer;
let other: LocalHttpServer;

beforeAll(async () => {
  other = await startLocalHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('[]');
  });
  server = await startLocalHttpServer((request, response) => {
    const url = new URL(request.url, server.baseUrl);
    const q = url.searchParams;
    const json = (body: unknown, headers: Record<string, string> = {}, status = 200) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const size = 3;
    switch (url.pathname) {
      case '/link': {
        // GitHub style: ?page=N, rel="next" until the last page.
        const page = Number(q.get('page') ?? '1');
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        const hasNext = page * size < ITEMS.length;
        return json(ITEMS.slice((page - 1) * size, page * size), {
          ...(hasNext ? { link: `<${next.pathname}${next.search}>; rel="next"` } : {}),
          'x-page': String(page),
        });
      }
      case '/cursor': {
        const start = Number(q.get('after') ?? '0');
        const end = start + size;
        return json({
          data: { items: ITEMS.slice(start, end) },
          meta: { next: end < ITEMS.length ? String(end) : null },
        });
      }
      case '/offset': {
        const offset = Number(q.get('offset'));
        const limit = Number(q.get('limit'));
        return json({ results: ITEMS.slice(offset, offset + limit) });
      }
      case '/page': {
        const page = Number(q.get('p'));
        if (page === 2 && q.get('fail') === '1') return json({ error: 'down' }, {}, 503);
        return json(ITEMS.slice(page * size, (page + 1) * size));
      }
      case '/endless':
        return json([{ n: Number(q.get('page')) }], {
          link: `</endless?page=${Number(q.get('page') ?? '1') + 1}>; rel="next"`,
        });
      case '/elsewhere':
        return json([1], { link: `<${other.baseUrl}/steal>; rel="next"` });
      case '/not-a-list':
        return json({ items: 'no' });
      default:
        return json({ error: 'no route' }, {}, 404);
    }
  });
});

afterAll(async () => {
  await server.close();
  await other.close();
});

const run = (config: Record<string, unknown>, options: NodeRunOptions = {}, target = node) =>
  runNodeType(target, config, { nodeId: 'list', ...options });

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

/** The request paths (with query) the server received since `from`. */
const pathsSince = (from: number) => server.requests.slice(from).map((request) => request.url);

describe('http.request pagination', () => {
  it('follows Link rel="next" and outputs every item, with the last page’s headers', async () => {
    const from = server.requests.length;
    const result = await run({ url: `${server.baseUrl}/link`, pagination: { mode: 'linkHeader' } });
    expect(result.output).toEqual({
      status: 200,
      statusText: 'OK',
      headers: expect.objectContaining({ 'x-page': '3' }),
      body: ITEMS,
      pages: 3,
      truncated: false,
    });
    expect(pathsSince(from)).toEqual(['/link', '/link?page=2', '/link?page=3']);
  });

  it('sends the cursor from the body until it is null, reading items at itemsPath', async () => {
    const from = server.requests.length;
    const result = await run({
      url: `${server.baseUrl}/cursor`,
      pagination: {
        mode: 'cursor',
        cursorPath: 'meta.next',
        cursorParam: 'after',
        itemsPath: 'data.items',
      },
    });
    expect(result.output).toMatchObject({ body: ITEMS, pages: 3, truncated: false });
    expect(pathsSince(from)).toEqual(['/cursor', '/cursor?after=3', '/cursor?after=6']);
  });

  it('advances offset by the items so far and stops at a short page', async () => {
    const from = server.requests.length;
    const result = await run({
      url: `${server.baseUrl}/offset`,
      pagination: { mode: 'offset', limit: 3, itemsPath: 'results' },
    });
    expect(result.output).toMatchObject({ body: ITEMS, pages: 3, truncated: false });
    expect(pathsSince(from)).toEqual([
      '/offset?offset=0&limit=3',
      '/offset?offset=3&limit=3',
      '/offset?offset=6&limit=3',
    ]);
  });

  it('counts pages from firstPage and stops at an empty page', async () => {
    const from = server.requests.length;
    const result = await run(
      {
        url: `${server.baseUrl}/page`,
        query: { sort: '{{ $.sort }}' },
        pagination: { mode: 'page', pageParam: 'p', firstPage: 0 },
      },
      { input: { sort: 'id' } },
    );
    // The empty page that ends the list is a page received, too.
    expect(result.output).toMatchObject({ body: ITEMS, pages: 4, truncated: false });
    expect(pathsSince(from)).toEqual([
      '/page?sort=id&p=0',
      '/page?sort=id&p=1',
      '/page?sort=id&p=2',
      '/page?sort=id&p=3',
    ]);
  });

  it('stops at maxPages and says the output is truncated', async () => {
    const from = server.requests.length;
    const result = await run({
      url: `${server.baseUrl}/endless`,
      pagination: { mode: 'linkHeader', maxPages: 4 },
    });
    expect(result.output).toMatchObject({
      body: [{ n: 0 }, { n: 2 }, { n: 3 }, { n: 4 }],
      pages: 4,
      truncated: true,
    });
    expect(server.requests.length - from).toBe(4);
  });

  it('makes each page its own call through ctx.upstream', async () => {
    const targets: string[] = [];
    await run(
      { url: `${server.baseUrl}/link`, pagination: { mode: 'linkHeader' } },
      {
        upstream: (target, call) => {
          targets.push(target);
          return call();
        },
      },
    );
    expect(targets).toEqual(Array(3).fill(`http://127.0.0.1:${server.port}`));
  });

  it('fails when the pages together pass the response size limit', async () => {
    // Each /endless page is 8 bytes ([{"n":1}]); 5 pages pass 36 bytes.
    const small = createHttpRequestNode({ fetch: globalThis.fetch, maxResponseBytes: 36 });
    const error = await failure(
      run(
        { url: `${server.baseUrl}/endless`, pagination: { mode: 'linkHeader', maxPages: 100 } },
        {},
        small,
      ),
    );
    expect(error).toMatchObject({
      code: 'HTTP_RESPONSE_TOO_LARGE',
      retryable: false,
      details: { limitBytes: 36, page: 5 },
    });
    expect(error.message).toBe(
      `Node "list": GET ${server.baseUrl}/endless returned pages larger than 36 bytes in total (at page 5)`,
    );
  });

  it('fails the step on an error page, or with failOnHttpError false outputs what it has', async () => {
    const config = {
      url: `${server.baseUrl}/page`,
      query: { fail: '1' },
      pagination: { mode: 'page', pageParam: 'p', firstPage: 0 },
    };
    const error = await failure(run(config));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', retryable: true, details: { status: 503 } });

    const result = await run({ ...config, failOnHttpError: false });
    expect(result.output).toEqual({
      status: 503,
      statusText: 'Service Unavailable',
      headers: expect.any(Object),
      body: ITEMS.slice(0, 6),
      pages: 2,
      truncated: true,
      errorBody: { error: 'down' },
    });
  });

  it('explains a page without an item array, naming the field', async () => {
    const error = await failure(
      run({
        url: `${server.baseUrl}/not-a-list`,
        pagination: { mode: 'page', itemsPath: 'items' },
      }),
    );
    expect(error).toMatchObject({
      code: 'HTTP_PAGINATION',
      retryable: false,
      details: { field: 'pagination.itemsPath', page: 1 },
    });
    expect(error.message).toContain('expected an array of items at "items", got string');
  });

  it('does not carry a credential to a next link on another origin', async () => {
    const before = other.requests.length;
    const error = await failure(
      run(
        {
          url: `${server.baseUrl}/elsewhere`,
          auth: { credentialId: 'cred_1' },
          pagination: { mode: 'linkHeader' },
        },
        {
          credential: async <Data>() => ({
            type: 'httpBearer',
            data: { token: 'origin-bound' } as Data,
          }),
        },
      ),
    );
    expect(error).toMatchObject({ code: 'HTTP_PAGINATION', nonRetryable: true });
    expect(other.requests.length).toBe(before);
    // Without a credential there is nothing to leak: the link is followed.
    const result = await run({
      url: `${server.baseUrl}/elsewhere`,
      pagination: { mode: 'linkHeader' },
    });
    expect(result.output).toMatchObject({ body: [1], pages: 2 });
  });

  it('times out a page on the clock like a single request', async () => {
    const clock = createFakeClock();
    const hang = await startLocalHttpServer((request, response) => {
      if (request.url.includes('page=2')) return; // never answers
      response.writeHead(200, {
        'content-type': 'application/json',
        link: '</x?page=2>; rel="next"',
      });
      response.end('[1]');
    });
    try {
      const second = hang.nextRequest().then(() => hang.nextRequest());
      const pending = failure(
        run(
          { url: `${hang.baseUrl}/x`, timeoutMs: 1000, pagination: { mode: 'linkHeader' } },
          { clock },
        ),
      );
      await second;
      clock.advance(1000);
      expect(await pending).toMatchObject({ code: 'HTTP_TIMEOUT', retryable: true });
      expect(clock.pendingTimers()).toBe(0);
    } finally {
      await hang.close();
    }
  });
});
