/**
 * http.request with `auth: { credentialId }` against real local servers: each credential type
 * reaches the server where it belongs, OAuth 2 tokens are cached and refreshed after a 401, and
 * no secret shows in an error.
 */
import { createFakeClock, NodeExecutionError } from '@patchbay/engine';
import { type NodeRunOptions, runNodeType } from '@patchbay/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuth2TokenSource } from './credentials/oauth2-client-credentials.ts';
import { createHttpRequestNode } from './http-request.ts';
import { type LocalHttpServer, startLocalHttpServer } from './test-support/local-http-server.ts';
import { startTokenServer, type TokenServer } from './test-support/oauth-token-server.ts';

const node = createHttpRequestNode({ fetch: globalThis.fetch });

let api: LocalHttpServer;
let tokens: TokenServer;

beforeAll(async () => {
  tokens = await startTokenServer({ id: 'patchbay', secret: 'client-secret-value' });
  api = await startLocalHttpServer((request, response) => {
    const url = new URL(request.url, 'http://local');
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/oauth/me') {
      const token = request.headers.authorization?.replace(/^Bearer /, '');
      return tokens.accepts(token)
        ? json(200, { me: 'patchbay' })
        : json(401, { error: 'expired' });
    }
    if (url.pathname === '/echo-auth-403') {
      // A careless upstream that repeats the credential in its error body.
      return json(403, { denied: request.headers.authorization ?? url.searchParams.get('key') });
    }
    return json(200, { path: url.pathname });
  });
});

afterAll(async () => {
  await api.close();
  await tokens.close();
});

/** A context whose ctx.credential resolves `credentialId` to one credential, as the vault would. */
function withCredential(
  type: string,
  data: Record<string, string>,
  connection?: unknown,
): NodeRunOptions {
  return {
    nodeId: 'fetch',
    credential: async <Data>(credentialId: string) => {
      if (credentialId !== 'cred_1') throw new Error(`unexpected credential ${credentialId}`);
      return { type, data: data as Data };
    },
    connection: async <Connection>(credentialId: string) => {
      if (credentialId !== 'cred_1' || connection === undefined) {
        throw new Error(`no connection for ${credentialId}`);
      }
      return connection as Connection;
    },
  };
}

const call = (config: Record<string, unknown>, options: NodeRunOptions) =>
  runNodeType(node, { auth: { credentialId: 'cred_1' }, ...config }, options);

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

describe('http.request auth', () => {
  it('sends an httpBearer token as Authorization: Bearer', async () => {
    await call({ url: `${api.baseUrl}/a` }, withCredential('httpBearer', { token: 'bearer-tok' }));
    expect(api.requests.at(-1)?.headers.authorization).toBe('Bearer bearer-tok');
  });

  it('sends httpBasic as Authorization: Basic base64(username:password)', async () => {
    await call(
      { url: `${api.baseUrl}/a` },
      withCredential('httpBasic', { username: 'ada', password: 'pä:ss' }),
    );
    const header = api.requests.at(-1)?.headers.authorization ?? '';
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('ada:pä:ss');
  });

  it('sends httpHeader in its named header, over a header of that name on the node', async () => {
    await call(
      { url: `${api.baseUrl}/a`, headers: { 'X-Api-Key': '{{ "from-node" }}' } },
      withCredential('httpHeader', { name: 'X-Api-Key', value: 'header-secret' }),
    );
    expect(api.requests.at(-1)?.headers['x-api-key']).toBe('header-secret');
  });

  it('sends httpQuery as a query parameter beside the node’s own', async () => {
    await call(
      { url: `${api.baseUrl}/a?x=1`, query: { page: '2' } },
      withCredential('httpQuery', { name: 'api_key', value: 'query-secret' }),
    );
    expect(api.requests.at(-1)?.url).toBe('/a?x=1&page=2&api_key=query-secret');
  });

  it('refuses a credential type HTTP cannot use, without sending anything', async () => {
    const before = api.requests.length;
    const error = await failure(
      call({ url: `${api.baseUrl}/a` }, withCredential('hmacSecret', { secret: 'x' })),
    );
    expect(error).toMatchObject({
      code: 'CREDENTIAL_TYPE_NOT_ACCEPTED',
      nonRetryable: true,
      details: { field: 'auth.credentialId', credentialType: 'hmacSecret' },
    });
    expect(api.requests.length).toBe(before);
  });

  it('declares the HTTP credential types and a credential picker for auth', () => {
    expect(node.credentialTypes).toEqual([
      'httpBearer',
      'httpBasic',
      'httpHeader',
      'httpQuery',
      'oauth2ClientCredentials',
    ]);
  });

  it('keeps the credential out of an error message and hides it in the body snippet', async () => {
    const bearer = await failure(
      call(
        { url: `${api.baseUrl}/echo-auth-403` },
        withCredential('httpBearer', { token: 'bearer-secret-1' }),
      ),
    );
    const query = await failure(
      call(
        { url: `${api.baseUrl}/echo-auth-403` },
        withCredential('httpQuery', { name: 'key', value: 'query-secret-2' }),
      ),
    );
    for (const [error, secret] of [
      [bearer, 'bearer-secret-1'],
      [query, 'query-secret-2'],
    ] as const) {
      expect(error).toMatchObject({ code: 'HTTP_STATUS', details: { status: 403 } });
      expect(error.message).toBe(
        `Node "fetch": GET ${api.baseUrl}/echo-auth-403 answered 403 Forbidden`,
      );
      expect(JSON.stringify(error.toJSON())).not.toContain(secret);
      expect(String(error.details?.body)).toContain('***');
    }
  });

  it('does not put an invalid header credential’s value in the error', async () => {
    const error = await failure(
      call(
        { url: `${api.baseUrl}/a` },
        withCredential('httpHeader', { name: 'X-Key', value: 'bad\nsecret-value' }),
      ),
    );
    expect(error.code).toBe('HTTP_INVALID_HEADER');
    expect(JSON.stringify(error.toJSON())).not.toContain('secret-value');
  });
});

describe('http.request with oauth2ClientCredentials', () => {
  /** The credential's own pooled connection (what ctx.connection returns on a worker). */
  const source = (clock = createFakeClock()) =>
    createOAuth2TokenSource({
      data: {
        tokenUrl: tokens.tokenUrl,
        clientId: 'patchbay',
        clientSecret: 'client-secret-value',
        clientAuth: 'body',
      },
      fetch: globalThis.fetch,
      clock,
    });
  const oauth = (connection: unknown, extra: NodeRunOptions = {}) => ({
    ...withCredential(
      'oauth2ClientCredentials',
      { tokenUrl: tokens.tokenUrl, clientId: 'patchbay', clientSecret: 'client-secret-value' },
      connection,
    ),
    ...extra,
  });

  it('fetches a token once and reuses it across calls', async () => {
    const pooled = source();
    const issuedBefore = tokens.issued.length;
    for (let i = 0; i < 3; i++) {
      const result = await call({ url: `${api.baseUrl}/oauth/me` }, oauth(pooled));
      expect(result.output).toMatchObject({ status: 200, body: { me: 'patchbay' } });
    }
    expect(tokens.issued.length).toBe(issuedBefore + 1);
    const token = tokens.issued.at(-1);
    const sent = api.requests.slice(-3).map((request) => request.headers.authorization);
    expect(sent).toEqual([`Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`]);
  });

  it('fetches a new token once the cached one is about to expire', async () => {
    const clock = createFakeClock();
    const pooled = source(clock);
    await call({ url: `${api.baseUrl}/oauth/me` }, oauth(pooled, { clock }));
    const first = tokens.issued.at(-1);
    // expires_in 3600 s, refreshed 60 s early.
    clock.advance(3_539_000);
    await call({ url: `${api.baseUrl}/oauth/me` }, oauth(pooled, { clock }));
    expect(tokens.issued.at(-1)).toBe(first);
    clock.advance(1_000);
    await call({ url: `${api.baseUrl}/oauth/me` }, oauth(pooled, { clock }));
    const second = tokens.issued.at(-1);
    expect(second).not.toBe(first);
    expect(api.requests.at(-1)?.headers.authorization).toBe(`Bearer ${second}`);
  });

  it('after a 401, forgets the token, gets a new one and re-sends once, in one upstream call', async () => {
    const pooled = source();
    await call({ url: `${api.baseUrl}/oauth/me` }, oauth(pooled));
    const first = tokens.issued.at(-1) ?? '';
    tokens.revoke(first);

    const upstreamCalls: string[] = [];
    const before = api.requests.length;
    const result = await call(
      { url: `${api.baseUrl}/oauth/me` },
      oauth(pooled, {
        upstream: (target, fn) => {
          upstreamCalls.push(target);
          return fn();
        },
      }),
    );
    const second = tokens.issued.at(-1);
    expect(second).not.toBe(first);
    expect(result.output).toMatchObject({ status: 200 });
    expect(api.requests.slice(before).map((request) => request.headers.authorization)).toEqual([
      `Bearer ${first}`,
      `Bearer ${second}`,
    ]);
    expect(upstreamCalls).toEqual([`http://127.0.0.1:${api.port}`]);

    // The new token is cached for the next call.
    const issued = tokens.issued.length;
    await call({ url: `${api.baseUrl}/oauth/me` }, oauth(pooled));
    expect(tokens.issued.length).toBe(issued);
  });

  it('re-sends only once: a second 401 fails the step with the status', async () => {
    const pooled = source();
    // Every token this source gets is revoked before the API sees it.
    const revoking = {
      getToken: async (signal?: AbortSignal) => {
        const token = await pooled.getToken(signal);
        tokens.revoke(token);
        return token;
      },
      invalidate: (token: string) => pooled.invalidate(token),
    };
    const before = api.requests.length;
    const error = await failure(call({ url: `${api.baseUrl}/oauth/me` }, oauth(revoking)));
    expect(error).toMatchObject({
      code: 'HTTP_STATUS',
      retryable: false,
      details: { status: 401 },
    });
    expect(api.requests.length - before).toBe(2);
    expect(JSON.stringify(error.toJSON())).not.toMatch(/tok-\d/);
  });
});

describe('http.request auth across redirects', () => {
  let elsewhere: LocalHttpServer;
  let home: LocalHttpServer;
  beforeAll(async () => {
    elsewhere = await startLocalHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"elsewhere":true}');
    });
    home = await startLocalHttpServer((request, response) => {
      if (request.url.startsWith('/moved')) {
        response.writeHead(302, { location: '/final' });
        return response.end();
      }
      if (request.url.startsWith('/away')) {
        response.writeHead(307, { location: `${elsewhere.baseUrl}/landing` });
        return response.end();
      }
      if (request.url.startsWith('/post-moved')) {
        response.writeHead(303, { location: '/final' });
        return response.end();
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ url: request.url, method: request.method }));
    });
  });
  afterAll(async () => {
    await elsewhere.close();
    await home.close();
  });

  it('sends the credential again after a redirect on the same origin', async () => {
    const result = await call(
      { url: `${home.baseUrl}/moved` },
      withCredential('httpQuery', { name: 'key', value: 'same-origin-key' }),
    );
    expect(result.output).toMatchObject({
      status: 200,
      body: { url: '/final?key=same-origin-key' },
    });
    expect(home.requests.at(-1)?.url).toBe('/final?key=same-origin-key');
  });

  it('does not carry a header or bearer credential to another origin', async () => {
    for (const [type, data] of [
      ['httpHeader', { name: 'X-Api-Key', value: 'header-only-home' }],
      ['httpBearer', { token: 'bearer-only-home' }],
    ] as const) {
      const result = await call({ url: `${home.baseUrl}/away` }, withCredential(type, data));
      expect(result.output).toMatchObject({ status: 200, body: { elsewhere: true } });
      const landed = elsewhere.requests.at(-1);
      expect(landed?.url).toBe('/landing');
      expect(landed?.headers['x-api-key']).toBeUndefined();
      expect(landed?.headers.authorization).toBeUndefined();
      expect(home.requests.at(-1)?.url).toBe('/away');
    }
  });

  it('turns a POST into a GET without its body after a 303, as fetch does', async () => {
    const result = await call(
      { method: 'POST', url: `${home.baseUrl}/post-moved`, bodyType: 'json', body: '{"a":1}' },
      withCredential('httpBearer', { token: 'post-token' }),
    );
    expect(result.output).toMatchObject({ body: { url: '/final', method: 'GET' } });
    const last = home.requests.at(-1);
    expect(last?.headers.authorization).toBe('Bearer post-token');
    expect(last?.headers['content-type']).toBeUndefined();
    expect(last?.body).toBe('');
  });
});
