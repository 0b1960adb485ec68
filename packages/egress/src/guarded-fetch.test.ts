import { afterEach, describe, expect, it } from 'vitest';
import { parseAllowList } from './allow-list.ts';
import { EgressDeniedError } from './egress-denied-error.ts';
import { EgressGuard, type EgressGuardOptions, type Resolver } from './egress-guard.ts';
import { createGuardedFetch, type EgressAgentOptions, type GuardedFetch } from './guarded-fetch.ts';
import {
  type CountingServer,
  closedPort,
  startCountingServer,
  UPSTREAM_TEST_CERT,
} from './test-support/counting-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(
  handler: Parameters<typeof startCountingServer>[0] = (_request, response) => response.end('ok'),
  options: Parameters<typeof startCountingServer>[1] = {},
): Promise<CountingServer> {
  const started = await startCountingServer(handler, options);
  cleanups.push(() => started.close());
  return started;
}

async function guardedFetch(
  allow: string,
  options: Omit<EgressGuardOptions, 'allow'> & EgressAgentOptions = {},
): Promise<GuardedFetch> {
  const { connect, ...guardOptions } = options;
  const guard = await EgressGuard.create({ allow: parseAllowList(allow), ...guardOptions });
  const guarded = createGuardedFetch(guard, connect ? { connect } : {});
  cleanups.push(() => guarded.close());
  return guarded;
}

async function refusal(promise: Promise<unknown>): Promise<EgressDeniedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  // The refusal itself, not fetch's "fetch failed" network error wrapping it.
  expect(error).toBeInstanceOf(EgressDeniedError);
  return error as EgressDeniedError;
}

/** Answers names only the test knows; the OS resolver would fail on them. */
const testResolver =
  (answers: Record<string, string>, asked: string[] = []): Resolver =>
  async (host) => {
    asked.push(host);
    const address = answers[host];
    if (!address)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };

describe('createGuardedFetch', () => {
  it('refuses loopback without an allow entry, and the upstream sees no connection', async () => {
    const upstream = await server();
    const { fetch } = await guardedFetch('');
    const error = await refusal(fetch(`http://127.0.0.1:${upstream.port}/`));
    expect(error.message).toBe(
      `Egress to 127.0.0.1:${upstream.port} is denied: loopback address. Allow it with PATCHBAY_EGRESS_ALLOW.`,
    );
    expect(upstream.connections).toBe(0);
  });

  it('lets an allowed entry through', async () => {
    const upstream = await server((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ method: request.method }));
    });
    const { fetch } = await guardedFetch(`127.0.0.1:${upstream.port}`);
    const response = await fetch(new URL(`http://127.0.0.1:${upstream.port}/orders`), {
      method: 'POST',
      headers: new Headers({ 'content-type': 'text/plain' }),
      body: 'hello',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: 'POST' });
    // A WHATWG Request works too.
    const viaRequest = await fetch(
      new Request(`http://127.0.0.1:${upstream.port}/again`, { method: 'PUT', body: 'x' }),
    );
    expect(await viaRequest.json()).toEqual({ method: 'PUT' });
    expect(upstream.requests).toEqual(['/orders', '/again']);
  });

  it('refuses a redirect from an allowed upstream to a denied address; nothing connects to it', async () => {
    const internal = await server();
    const upstream = await server((request, response) => {
      const to = {
        '/to-loopback': `http://127.0.0.1:${internal.port}/admin`,
        '/to-localhost': `http://localhost:${internal.port}/admin`,
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
      }[request.url ?? ''];
      response.writeHead(302, { location: to ?? '/' });
      response.end();
    });
    const { fetch } = await guardedFetch(`127.0.0.1:${upstream.port}`);

    const error = await refusal(fetch(`http://127.0.0.1:${upstream.port}/to-loopback`));
    expect(error.message).toContain(
      `Egress to 127.0.0.1:${internal.port} is denied: loopback address`,
    );
    const byName = await refusal(fetch(`http://127.0.0.1:${upstream.port}/to-localhost`));
    expect(byName.denial.rule).toBe('localhost name');
    const metadata = await refusal(fetch(`http://127.0.0.1:${upstream.port}/to-metadata`));
    expect(metadata.message).toContain(
      'Egress to 169.254.169.254:80 is denied: cloud metadata address',
    );

    expect(upstream.requests).toEqual(['/to-loopback', '/to-localhost', '/to-metadata']);
    expect(internal.connections).toBe(0);
  });

  it.each([
    ['decimal', (port: number) => `http://2130706433:${port}/`],
    ['octal', (port: number) => `http://0177.0.0.1:${port}/`],
    ['IPv4-mapped IPv6', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ['IPv4-mapped IPv6 in hex', (port: number) => `http://[::ffff:7f00:1]:${port}/`],
  ])('refuses the %s form of loopback', async (_form, url) => {
    const upstream = await server();
    const { fetch } = await guardedFetch('');
    const error = await refusal(fetch(url(upstream.port)));
    expect(error.denial).toMatchObject({ address: '127.0.0.1', rule: 'loopback address' });
    expect(upstream.connections).toBe(0);
  });

  it('refuses localhost, even with loopback addresses allowed', async () => {
    const upstream = await server();
    const { fetch } = await guardedFetch('127.0.0.1,::1');
    const error = await refusal(fetch(`http://localhost:${upstream.port}/`));
    expect(error.message).toBe(
      `Egress to localhost:${upstream.port} is denied: localhost name. Allow it with PATCHBAY_EGRESS_ALLOW.`,
    );
    expect(upstream.connections).toBe(0);
  });

  it('refuses an open and a closed port with the same message', async () => {
    const open = await server();
    const closed = await closedPort();
    const { fetch } = await guardedFetch('');
    const messageFor = async (port: number) => {
      const error = await refusal(fetch(`http://127.0.0.1:${port}/`));
      return { ...error.toJSON(), message: error.message.replaceAll(String(port), 'PORT') };
    };
    const [openRefusal, closedRefusal] = [await messageFor(open.port), await messageFor(closed)];
    expect({ ...openRefusal, details: undefined }).toEqual({
      ...closedRefusal,
      details: undefined,
    });
    expect(open.connections).toBe(0);
  });

  it('connects to the address the guard checked, without resolving the name again', async () => {
    const upstream = await server();
    const asked: string[] = [];
    const { fetch } = await guardedFetch('upstream.test', {
      resolver: testResolver({ 'upstream.test': '127.0.0.1' }, asked),
    });
    // Only the guard's resolver knows this name: a second lookup by the HTTP client would fail.
    const response = await fetch(`http://upstream.test:${upstream.port}/`);
    expect(await response.text()).toBe('ok');
    expect(asked).toEqual(['upstream.test']);
  });

  it('keeps TLS SNI and certificate verification on the host name, not the checked address', async () => {
    const upstream = await server(undefined, { tls: true });
    const { fetch } = await guardedFetch('upstream.test,other.test', {
      resolver: testResolver({ 'upstream.test': '127.0.0.1', 'other.test': '127.0.0.1' }),
      connect: { ca: UPSTREAM_TEST_CERT },
    });
    const response = await fetch(`https://upstream.test:${upstream.port}/`);
    expect(await response.text()).toBe('ok');
    expect(upstream.servernames).toEqual(['upstream.test']);

    // Same address, another name: the certificate (for upstream.test only) must not pass.
    const mismatch = await fetch(`https://other.test:${upstream.port}/`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(mismatch).toBeInstanceOf(TypeError);
    expect((mismatch as TypeError).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });
});
