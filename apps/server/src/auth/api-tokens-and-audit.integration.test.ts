/** API tokens (shown once, hashed, role-capped, revocable) and the audit log of mutations. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow } from '../test-support/flow-documents.ts';
import { cookieHeaders, signIn } from '../test-support/http-session.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { trpcErrorCode } from '../test-support/trpc-failure.ts';
import { digestSecret } from './secrets.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ worker: false });
});
afterAll(async () => {
  await t?.close();
});

async function sessionClient(email: string, password: string) {
  const { cookie } = await signIn(t.baseUrl, { email, password });
  return t.clientWith(cookieHeaders(t.baseUrl, cookie ?? ''));
}

describe('API tokens', () => {
  it('are shown once, stored hashed, and work as a bearer with their own role', async () => {
    const editor = await t.userWithRole('editor');
    const browser = await sessionClient(editor.email, editor.password);
    const created = await browser.tokens.create.mutate({ name: 'CI deploys', role: 'viewer' });
    expect(created.token).toMatch(/^pb_/);
    const stored = await t.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.tokenHash).toBe(digestSecret(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token);
    const listed = await browser.tokens.list.query();
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed.map((token) => token.name)).toContain('CI deploys');

    const bearer = t.clientWith({ authorization: `Bearer ${created.token}` });
    await expect(bearer.auth.me.query()).resolves.toMatchObject({ role: 'viewer', via: 'token' });
    await expect(bearer.flows.list.query()).resolves.toBeInstanceOf(Array);
    expect(await trpcErrorCode(bearer.flows.create.mutate({ name: 'Nope' }))).toBe('FORBIDDEN');
  });

  it('never carry more rights than their creator, and are not made with another token', async () => {
    const editor = await t.userWithRole('editor');
    const browser = await sessionClient(editor.email, editor.password);
    expect(await trpcErrorCode(browser.tokens.create.mutate({ name: 'x', role: 'admin' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await trpcErrorCode(editor.client.tokens.create.mutate({ name: 'x', role: 'viewer' })),
    ).toBe('FORBIDDEN');
  });

  it('follow their user: a demoted user’s token is demoted too', async () => {
    const admin = await t.userWithRole('admin');
    await expect(admin.client.auth.me.query()).resolves.toMatchObject({ role: 'admin' });
    await t.client.users.update.mutate({ id: admin.id, role: 'viewer' });
    await expect(admin.client.auth.me.query()).resolves.toMatchObject({ role: 'viewer' });
  });

  it('stop working when revoked, by their owner or by an admin', async () => {
    const viewer = await t.userWithRole('viewer');
    const browser = await sessionClient(viewer.email, viewer.password);
    const mine = await browser.tokens.create.mutate({ name: 'mine', role: 'viewer' });
    const bearer = t.clientWith({ authorization: `Bearer ${mine.token}` });
    await bearer.auth.me.query();
    await browser.tokens.revoke.mutate({ id: mine.id });
    expect(await trpcErrorCode(bearer.auth.me.query())).toBe('UNAUTHORIZED');
    // Someone else's token is not found for a non-admin, and revocable by an admin.
    const other = await t.userWithRole('viewer');
    const otherToken = await t.prisma.apiToken.findFirstOrThrow({ where: { userId: other.id } });
    expect(await trpcErrorCode(browser.tokens.revoke.mutate({ id: otherToken.id }))).toBe(
      'NOT_FOUND',
    );
    await t.client.tokens.revoke.mutate({ id: otherToken.id });
    expect(await trpcErrorCode(other.client.auth.me.query())).toBe('UNAUTHORIZED');
  });
});

describe('the audit log', () => {
  it('records every mutation with who, what, which target, when and from where', async () => {
    const editor = await t.userWithRole('editor');
    const browser = await sessionClient(editor.email, editor.password);
    const flow = await browser.flows.create.mutate({ name: 'Audited' });
    await browser.flows.update.mutate({ id: flow.id, document: chainFlow('Audited', []) });
    await browser.flows.validate.mutate({ document: chainFlow('Audited', []) });
    const denied = await trpcErrorCode(browser.breakers.reset.mutate({ target: 'https://x:443' }));
    expect(denied).toBe('FORBIDDEN');

    const { items } = await t.client.audit.list.query({ actorId: editor.id });
    const actions = items.map((entry) => `${entry.action}:${entry.outcome}`);
    expect(actions).toEqual([
      'breakers.reset:denied',
      'flows.update:ok',
      'flows.create:ok',
      'auth.login:ok',
    ]);
    const update = items.find((entry) => entry.action === 'flows.update');
    expect(update).toMatchObject({
      actorKind: 'user',
      actorLabel: editor.email,
      targetType: 'flows',
      targetId: flow.id,
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: expect.any(String),
    });
    expect(Date.now() - new Date(update?.at ?? 0).getTime()).toBeLessThan(60_000);
  });

  it('records failed sign-ins and never a password', async () => {
    await signIn(t.baseUrl, { email: 'mallory@example.com', password: 'hunter2-secret' });
    await t.client.users.create.mutate({
      email: 'secretive@example.com',
      role: 'viewer',
      password: 'do not log me',
    });
    const { items } = await t.client.audit.list.query({ limit: 200 });
    const failed = items.find(
      (entry) => entry.action === 'auth.login' && entry.actorLabel === 'mallory@example.com',
    );
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'INVALID_CREDENTIALS' });
    const text = JSON.stringify(items);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('do not log me');
    expect(text).toContain('secretive@example.com');
  });

  it('is listed page by page, newest first', async () => {
    const first = await t.client.audit.list.query({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await t.client.audit.list.query({ limit: 2, cursor: first.nextCursor });
    const firstIds = new Set(first.items.map((entry) => entry.id));
    expect(second.items.some((entry) => firstIds.has(entry.id))).toBe(false);
    const time = (entry: { at: Date | string } | undefined) => new Date(entry?.at ?? 0).getTime();
    expect(time(second.items[0])).toBeLessThanOrEqual(time(first.items[1]));
  });
});
