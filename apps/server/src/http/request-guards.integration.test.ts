/** Host checks (DNS rebinding), same-origin writes (CSRF), security headers, anonymous access. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../test-support/http-session.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { MAX_BATCH_SIZE } from './app.ts';

let t: TestApp;
let cookie: string;

beforeAll(async () => {
  t = await startTestApp({ worker: false, publicUrl: new URL('https://patchbay.example.com') });
  const session = await signIn(t.baseUrl, { email: t.owner.email, password: t.owner.password });
  // Behind https the cookie is Secure; this test talks plain http to the server behind the proxy.
  expect(session.setCookie).toMatch(/Secure/);
  cookie = session.cookie ?? '';
});
afterAll(async () => {
  await t?.close();
});

/** A raw request, so that the Host header can be anything. */
function rawGet(path: string, host: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const createFlow = (headers: Record<string, string>) =>
  fetch(`${t.baseUrl}/trpc/flows.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'From somewhere' }),
  });

describe('who may call the API', () => {
  it('answers 401 to an anonymous flows.list', async () => {
    const response = await fetch(`${t.baseUrl}/trpc/flows.list`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
  });

  it('answers 401 to a made-up bearer token, even with a valid cookie beside it', async () => {
    const response = await fetch(`${t.baseUrl}/trpc/flows.list`, {
      headers: { authorization: 'Bearer pb_madeup', cookie },
    });
    expect(response.status).toBe(401);
  });

  it('refuses batches larger than the limit', async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'flows.list').join(',');
    const response = await fetch(`${t.baseUrl}/trpc/${paths}?batch=1`, {
      headers: { authorization: `Bearer ${t.owner.token}` },
    });
    expect(response.status).toBe(400);
  });
});

describe('the Host header', () => {
  it('answers 421 to a foreign Host, on the API and on pages', async () => {
    for (const path of ['/trpc/flows.list', '/', '/auth/login']) {
      const response = await rawGet(path, 'evil.example.net');
      expect(response.status).toBe(421);
    }
  });

  it('accepts localhost and 127.0.0.1 on the listening port, and the public URL', async () => {
    const { port } = new URL(t.baseUrl);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'patchbay.example.com']) {
      const response = await rawGet('/trpc/auth.setupStatus', host);
      expect([host, response.status]).toEqual([host, 200]);
    }
    expect((await rawGet('/trpc/auth.setupStatus', 'localhost:1')).status).toBe(421);
  });

  it('lets health checks through whatever the Host', async () => {
    expect((await rawGet('/healthz', '10.1.2.3:3000')).status).toBe(200);
  });
});

describe('writes with the session cookie', () => {
  it('are refused without an Origin or from another site', async () => {
    const none = await createFlow({ cookie });
    const foreign = await createFlow({ cookie, origin: 'https://evil.example.net' });
    const crossSite = await createFlow({ cookie, 'sec-fetch-site': 'cross-site' });
    for (const response of [none, foreign, crossSite]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
    }
    expect(await t.prisma.flow.count()).toBe(0);
  });

  it('are accepted from this site and from the public URL', async () => {
    expect((await createFlow({ cookie, origin: t.baseUrl })).status).toBe(200);
    expect((await createFlow({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await createFlow({ cookie, origin: 'https://patchbay.example.com' })).status).toBe(200);
  });

  it('do not concern API tokens, which a browser never sends by itself', async () => {
    const response = await createFlow({ authorization: `Bearer ${t.owner.token}` });
    expect(response.status).toBe(200);
  });

  it('include signing in from another site (login CSRF)', async () => {
    const response = await signIn(
      t.baseUrl,
      { email: t.owner.email, password: t.owner.password },
      { origin: 'https://evil.example.net' },
    );
    expect(response.status).toBe(403);
    expect(response.cookie).toBeUndefined();
  });
});

describe('security headers', () => {
  it('come with every response: CSP, nosniff, frame-ancestors, HSTS behind https', async () => {
    for (const path of ['/trpc/flows.list', '/healthz', '/auth/login']) {
      const response = await fetch(`${t.baseUrl}${path}`);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    }
  });
});
