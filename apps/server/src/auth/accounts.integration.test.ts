/** Users, invitations, roles, passwords and the first start, through the API. */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaders, signIn } from '../test-support/http-session.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ worker: false });
});
afterAll(async () => {
  await t?.close();
});

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return { code: (error.data as { code?: string }).code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('users', () => {
  it('are created by an admin with a password, and sign in with it', async () => {
    const admin = await t.userWithRole('admin');
    const created = await admin.client.users.create.mutate({
      email: 'Ada@Example.com',
      name: 'Ada',
      role: 'editor',
      password: 'a long enough password',
    });
    expect(created).toMatchObject({ email: 'ada@example.com', role: 'editor', active: true });
    const session = await signIn(t.baseUrl, {
      email: 'ada@example.com',
      password: 'a long enough password',
    });
    expect(session.status).toBe(200);
  });

  it('refuse a taken email, a short password and a bad role, naming the problem', async () => {
    await t.client.users.create.mutate({
      email: 'taken@example.com',
      role: 'viewer',
      password: 'password one',
    });
    const taken = await failure(
      t.client.users.create.mutate({
        email: 'TAKEN@example.com',
        role: 'viewer',
        password: 'password two',
      }),
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('taken@') });
    const short = await failure(
      t.client.users.create.mutate({ email: 'short@example.com', role: 'viewer', password: 'abc' }),
    );
    expect(short).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/8/) });
  });

  it('are invited with a one-time link that sets the password once', async () => {
    const { user, invitePath } = await t.client.users.invite.mutate({
      email: 'grace@example.com',
      role: 'viewer',
    });
    expect(user).toMatchObject({ pending: true, role: 'viewer' });
    const token = new URL(invitePath, t.baseUrl).searchParams.get('token') ?? '';
    const anonymous = t.clientWith({});
    await expect(anonymous.auth.invitation.query({ token })).resolves.toMatchObject({
      email: 'grace@example.com',
    });
    expect((await signIn(t.baseUrl, { email: 'grace@example.com', password: '' })).status).toBe(
      400,
    );
    await anonymous.auth.acceptInvite.mutate({ token, password: 'graces password', name: 'Grace' });
    const session = await signIn(t.baseUrl, {
      email: 'grace@example.com',
      password: 'graces password',
    });
    expect(session.status).toBe(200);
    const reuse = await failure(
      anonymous.auth.acceptInvite.mutate({ token, password: 'another password' }),
    );
    expect(reuse.code).toBe('FORBIDDEN');
  });

  it('keep at least one active owner, and only owners touch the owner role', async () => {
    const admin = await t.userWithRole('admin');
    const grant = await failure(admin.client.users.update.mutate({ id: admin.id, role: 'owner' }));
    expect(grant).toMatchObject({ code: 'FORBIDDEN' });
    const demoteOwner = await failure(
      admin.client.users.update.mutate({ id: t.owner.id, role: 'viewer' }),
    );
    expect(demoteOwner.code).toBe('FORBIDDEN');
    // The owner of this test app is the only one: demoting them would leave none.
    const last = await failure(t.client.users.update.mutate({ id: t.owner.id, role: 'admin' }));
    expect(last).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/owner/) });
    const second = await t.userWithRole('owner');
    await t.client.users.update.mutate({ id: second.id, role: 'admin' });
    const self = await failure(t.client.users.update.mutate({ id: t.owner.id, active: false }));
    expect(self.code).toBe('FORBIDDEN');
  });

  it('apply a new role at the next request', async () => {
    const user = await t.userWithRole('editor');
    await expect(user.client.auth.me.query()).resolves.toMatchObject({ role: 'editor' });
    await t.client.users.update.mutate({ id: user.id, role: 'viewer' });
    await expect(user.client.auth.me.query()).resolves.toMatchObject({ role: 'viewer' });
    const create = await failure(user.client.flows.create.mutate({ name: 'Not allowed' }));
    expect(create.code).toBe('FORBIDDEN');
  });
});

describe('changing one’s own password', () => {
  it('needs the current password, and ends the user’s other sessions', async () => {
    const user = await t.userWithRole('viewer');
    const first = await signIn(t.baseUrl, { email: user.email, password: user.password });
    const second = await signIn(t.baseUrl, { email: user.email, password: user.password });
    const firstClient = t.clientWith(cookieHeaders(t.baseUrl, first.cookie ?? ''));
    const secondClient = t.clientWith(cookieHeaders(t.baseUrl, second.cookie ?? ''));
    const wrong = await failure(
      firstClient.auth.changePassword.mutate({
        currentPassword: 'wrong',
        newPassword: 'brand new password',
      }),
    );
    expect(wrong.code).toBe('UNAUTHORIZED');
    await firstClient.auth.changePassword.mutate({
      currentPassword: user.password,
      newPassword: 'brand new password',
    });
    await expect(firstClient.auth.me.query()).resolves.toMatchObject({ email: user.email });
    expect((await failure(secondClient.auth.me.query())).code).toBe('UNAUTHORIZED');
    expect((await signIn(t.baseUrl, { email: user.email, password: user.password })).status).toBe(
      401,
    );
    const fresh = await signIn(t.baseUrl, { email: user.email, password: 'brand new password' });
    expect(fresh.status).toBe(200);
  });
});

describe('the first start', () => {
  it('creates the owner from PATCHBAY_ADMIN_EMAIL and PATCHBAY_ADMIN_PASSWORD', async () => {
    const app = await startTestApp({ worker: false });
    try {
      await app.prisma.user.deleteMany();
      const result = await app.services.auth.setup.prepare({
        adminEmail: 'Boss@Example.com',
        adminPassword: 'boss password',
      });
      expect(result).toEqual({ kind: 'owner-created', email: 'boss@example.com' });
      const session = await signIn(app.baseUrl, {
        email: 'boss@example.com',
        password: 'boss password',
      });
      expect(session.body).toMatchObject({ user: { role: 'owner' } });
      // Once a user exists, the variables change nothing.
      await expect(
        app.services.auth.setup.prepare({
          adminEmail: 'x@example.com',
          adminPassword: 'whatever1',
        }),
      ).resolves.toEqual({ kind: 'ready' });
    } finally {
      await app.close();
    }
  });

  it('otherwise gives a one-time setup link that creates the owner once', async () => {
    const app = await startTestApp({ worker: false });
    try {
      await app.prisma.user.deleteMany();
      const anonymous = app.clientWith({});
      await expect(anonymous.auth.setupStatus.query()).resolves.toEqual({ setupRequired: true });
      const link = await app.services.auth.setup.prepare({});
      if (link.kind !== 'setup-link') throw new Error(`expected a setup link, got ${link.kind}`);
      const badLink = await failure(
        anonymous.auth.setup.mutate({
          token: 'not-the-token-at-all',
          email: 'first@example.com',
          password: 'first password',
        }),
      );
      expect(badLink.code).toBe('FORBIDDEN');
      await anonymous.auth.setup.mutate({
        token: link.token,
        email: 'first@example.com',
        password: 'first password',
      });
      await expect(anonymous.auth.setupStatus.query()).resolves.toEqual({ setupRequired: false });
      const again = await failure(
        anonymous.auth.setup.mutate({
          token: link.token,
          email: 'second@example.com',
          password: 'second password',
        }),
      );
      expect(again.code).toBe('FORBIDDEN');
      const session = await signIn(app.baseUrl, {
        email: 'first@example.com',
        password: 'first password',
      });
      expect(session.body).toMatchObject({ user: { role: 'owner' } });
    } finally {
      await app.close();
    }
  });
});
