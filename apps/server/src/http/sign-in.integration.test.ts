/** POST /auth/login and /auth/logout: cookies, expiry, throttling, deactivated users. */
import { createFakeClock } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaders, signIn } from '../test-support/http-session.ts';
import { startTestApp, type TestApp, type TestUser } from '../test-support/test-app.ts';
import { trpcErrorCode } from '../test-support/trpc-failure.ts';

const HOUR_MS = 3_600_000;
const clock = createFakeClock(new Date());
let t: TestApp;
let editor: TestUser;

beforeAll(async () => {
  t = await startTestApp({
    worker: false,
    clock,
    auth: { sessionIdleMs: 2 * HOUR_MS, sessionMaxMs: 10 * HOUR_MS },
    signInThrottle: {
      perEmail: { limit: 3, periodMs: 60_000, burst: 3 },
      perIp: { limit: 100, periodMs: 60_000, burst: 100 },
    },
  });
  editor = await t.userWithRole('editor');
});
afterAll(async () => {
  await t?.close();
});

describe('signing in', () => {
  it('sets an httpOnly, SameSite=Lax session cookie that authenticates the API', async () => {
    const response = await signIn(t.baseUrl, { email: editor.email, password: editor.password });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ user: { email: editor.email, role: 'editor' } });
    expect(response.setCookie).toMatch(/HttpOnly/i);
    expect(response.setCookie).toMatch(/SameSite=Lax/i);
    expect(response.setCookie).not.toMatch(/Secure/i);
    const client = t.clientWith(cookieHeaders(t.baseUrl, response.cookie ?? ''));
    await expect(client.auth.me.query()).resolves.toMatchObject({
      email: editor.email,
      role: 'editor',
      via: 'session',
    });
  });

  it('accepts the email in any case and with spaces around it', async () => {
    const response = await signIn(t.baseUrl, {
      email: `  ${editor.email.toUpperCase()} `,
      password: editor.password,
    });
    expect(response.status).toBe(200);
  });

  it('answers 401 with one message for a wrong password and for an unknown email', async () => {
    const wrong = await signIn(t.baseUrl, { email: editor.email, password: 'not the password' });
    const unknown = await signIn(t.baseUrl, {
      email: 'nobody@example.com',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(wrong.cookie).toBeUndefined();
  });

  it('answers 400 naming the field when the body is not { email, password }', async () => {
    const response = await fetch(`${t.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.baseUrl },
      body: JSON.stringify({ email: editor.email }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/password/i) });
  });

  it('ends the session on sign-out', async () => {
    const { cookie } = await signIn(t.baseUrl, { email: editor.email, password: editor.password });
    const headers = cookieHeaders(t.baseUrl, cookie ?? '');
    const out = await fetch(`${t.baseUrl}/auth/logout`, { method: 'POST', headers });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/patchbay_session=;/);
    expect(await trpcErrorCode(t.clientWith(headers).auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('ends a session after the idle limit, and after the absolute limit however active', async () => {
    const idle = await signIn(t.baseUrl, { email: editor.email, password: editor.password });
    const active = await signIn(t.baseUrl, { email: editor.email, password: editor.password });
    const idleClient = t.clientWith(cookieHeaders(t.baseUrl, idle.cookie ?? ''));
    const activeClient = t.clientWith(cookieHeaders(t.baseUrl, active.cookie ?? ''));
    await activeClient.auth.me.query();
    await idleClient.auth.me.query();

    // Active every hour: the 2 h idle limit never passes, the 10 h absolute limit does.
    clock.advance(HOUR_MS + 60_000);
    await expect(activeClient.auth.me.query()).resolves.toMatchObject({ email: editor.email });
    clock.advance(HOUR_MS);
    expect(await trpcErrorCode(idleClient.auth.me.query())).toBe('UNAUTHORIZED');
    for (let hour = 2; hour < 10; hour++) {
      await expect(activeClient.auth.me.query()).resolves.toMatchObject({ email: editor.email });
      clock.advance(HOUR_MS);
    }
    expect(await trpcErrorCode(activeClient.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('throttles failed sign-ins per email, with 429 and Retry-After, also for the right password', async () => {
    const victim = await t.userWithRole('viewer');
    for (let i = 0; i < 3; i++) {
      const failed = await signIn(t.baseUrl, { email: victim.email, password: 'guess' });
      expect(failed.status).toBe(401);
    }
    const throttled = await signIn(t.baseUrl, { email: victim.email, password: victim.password });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0);
    expect(throttled.cookie).toBeUndefined();
    // Other accounts from the same address are not held back by this one.
    expect(
      (await signIn(t.baseUrl, { email: editor.email, password: editor.password })).status,
    ).toBe(200);
    clock.advance(Number(throttled.retryAfter) * 1000);
    expect(
      (await signIn(t.baseUrl, { email: victim.email, password: victim.password })).status,
    ).toBe(200);
  });

  it('refuses a deactivated user and ends their sessions', async () => {
    const leaver = await t.userWithRole('editor');
    const { cookie } = await signIn(t.baseUrl, { email: leaver.email, password: leaver.password });
    const leaverClient = t.clientWith(cookieHeaders(t.baseUrl, cookie ?? ''));
    await leaverClient.auth.me.query();
    await t.client.users.update.mutate({ id: leaver.id, active: false });
    expect(await trpcErrorCode(leaverClient.auth.me.query())).toBe('UNAUTHORIZED');
    const again = await signIn(t.baseUrl, { email: leaver.email, password: leaver.password });
    expect(again.status).toBe(401);
    // Their API token stops working too.
    const tokenClient = t.clientWith({ authorization: `Bearer ${leaver.token}` });
    expect(await trpcErrorCode(tokenClient.auth.me.query())).toBe('UNAUTHORIZED');
  });
});
