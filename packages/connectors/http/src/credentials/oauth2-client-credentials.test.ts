import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeClock, describeCredentialType } from '@patchbay/engine';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createOAuth2TokenSource,
  oauth2ClientCredentialsCredential,
  oauth2ClientCredentialsSchema,
  TOKEN_EXPIRY_MARGIN_MS,
} from './oauth2-client-credentials.ts';

/** A token endpoint that issues tok-1, tok-2, … and records each request's form and headers. */
type TokenRequest = { form: URLSearchParams; authorization: string | undefined };
let server: Server;
let tokenUrl: string;
const requests: TokenRequest[] = [];
let answer: { status: number; expiresIn?: number } = { status: 200, expiresIn: 3600 };
let release: Promise<void> = Promise.resolve();

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const form = new URLSearchParams(await readBody(request));
    requests.push({ form, authorization: request.headers.authorization });
    await release;
    response.setHeader('content-type', 'application/json');
    if (answer.status !== 200) {
      response.statusCode = answer.status;
      response.end(JSON.stringify({ error: 'invalid_client', error_description: 'Bad client' }));
      return;
    }
    response.end(
      JSON.stringify({
        access_token: `tok-${requests.length}`,
        token_type: 'Bearer',
        ...(answer.expiresIn === undefined ? {} : { expires_in: answer.expiresIn }),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests.length = 0;
  answer = { status: 200, expiresIn: 3600 };
  release = Promise.resolve();
});

const dataFor = (overrides: Record<string, unknown> = {}) =>
  oauth2ClientCredentialsSchema.parse({
    tokenUrl,
    clientId: 'client-a',
    clientSecret: 'client-secret-a',
    ...overrides,
  });

describe('the oauth2ClientCredentials token source', () => {
  it('fetches a token once and serves it from the cache until shortly before it expires', async () => {
    const clock = createFakeClock();
    const source = createOAuth2TokenSource({ data: dataFor(), fetch, clock });
    expect(await source.getToken()).toBe('tok-1');
    expect(await source.getToken()).toBe('tok-1');
    clock.advance(3600_000 - TOKEN_EXPIRY_MARGIN_MS - 1);
    expect(await source.getToken()).toBe('tok-1');
    expect(requests).toHaveLength(1);
    clock.advance(1);
    expect(await source.getToken()).toBe('tok-2');
    expect(requests).toHaveLength(2);
  });

  it('sends the grant, scope, audience and client credentials in the form', async () => {
    const source = createOAuth2TokenSource({
      data: dataFor({ scope: 'read write', audience: 'https://api.example.com' }),
      fetch,
      clock: createFakeClock(),
    });
    await source.getToken();
    const [request] = requests;
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-a',
      client_secret: 'client-secret-a',
      scope: 'read write',
      audience: 'https://api.example.com',
    });
    expect(request?.authorization).toBeUndefined();
  });

  it('authenticates the client with HTTP Basic when clientAuth is basic', async () => {
    const source = createOAuth2TokenSource({
      data: dataFor({ clientAuth: 'basic' }),
      fetch,
      clock: createFakeClock(),
    });
    await source.getToken();
    expect(requests[0]?.authorization).toBe(
      `Basic ${Buffer.from('client-a:client-secret-a').toString('base64')}`,
    );
    expect(requests[0]?.form.has('client_secret')).toBe(false);
  });

  it('fetches a new token after a 401 is reported with the cached one, and only then', async () => {
    const clock = createFakeClock();
    const source = createOAuth2TokenSource({ data: dataFor(), fetch, clock });
    const first = await source.getToken();
    source.invalidate('some-older-token');
    expect(await source.getToken()).toBe(first);
    source.invalidate(first);
    expect(await source.getToken()).toBe('tok-2');
    expect(requests).toHaveLength(2);
  });

  it('makes one token request for concurrent callers', async () => {
    let open: () => void = () => {};
    release = new Promise((resolve) => {
      open = resolve;
    });
    const source = createOAuth2TokenSource({ data: dataFor(), fetch, clock: createFakeClock() });
    const tokens = Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    open();
    expect(await tokens).toEqual(['tok-1', 'tok-1', 'tok-1']);
  });

  it('uses half a short lifetime as the margin, and an hour without expires_in', async () => {
    const clock = createFakeClock();
    answer = { status: 200, expiresIn: 60 };
    const short = createOAuth2TokenSource({ data: dataFor(), fetch, clock });
    await short.getToken();
    clock.advance(29_999);
    await short.getToken();
    expect(requests).toHaveLength(1);
    clock.advance(1);
    await short.getToken();
    expect(requests).toHaveLength(2);

    answer = { status: 200 };
    const unknown = createOAuth2TokenSource({ data: dataFor(), fetch, clock });
    await unknown.getToken();
    clock.advance(3600_000 - TOKEN_EXPIRY_MARGIN_MS - 1);
    await unknown.getToken();
    expect(requests).toHaveLength(3);
  });

  it('reports what the token URL answered, without the secret, and does not cache failures', async () => {
    answer = { status: 401 };
    const source = createOAuth2TokenSource({ data: dataFor(), fetch, clock: createFakeClock() });
    const error = await source.getToken().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'OAUTH2_TOKEN_FAILED', retryable: false });
    expect((error as Error).message).toContain('answered 401 (invalid_client: Bad client)');
    expect((error as Error).message).not.toContain('client-secret-a');
    answer = { status: 200, expiresIn: 3600 };
    expect(await source.getToken()).toBe('tok-2');
  });
});

describe('the oauth2ClientCredentials type', () => {
  it('tests by fetching a token', async () => {
    const result = await oauth2ClientCredentialsCredential.test?.({
      data: dataFor(),
      fetch,
      signal: AbortSignal.timeout(5_000),
      clock: createFakeClock(),
    });
    expect(result).toEqual({ message: 'Got an access token valid for 3600 s' });
  });

  it('marks the client secret as its only secret field', () => {
    expect(describeCredentialType(oauth2ClientCredentialsCredential).secretFields).toEqual([
      'clientSecret',
    ]);
  });
});

describe('a caller that gives up', () => {
  it('stops waiting on its signal without cancelling the request for the others', async () => {
    let open: () => void = () => {};
    release = new Promise((resolve) => {
      open = resolve;
    });
    const source = createOAuth2TokenSource({ data: dataFor(), fetch, clock: createFakeClock() });
    const controller = new AbortController();
    const impatient = source.getToken(controller.signal);
    const patient = source.getToken();
    controller.abort(new Error('gave up'));
    await expect(impatient).rejects.toThrow('gave up');
    open();
    expect(await patient).toBe('tok-1');
  });
});
