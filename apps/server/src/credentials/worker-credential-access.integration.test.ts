/**
 * Worker-side credential access on a real database: decryption at call time with a short cache,
 * the accepted-types check, and the per-credential connection pool (shared, closed when idle,
 * when the credential changes, and when the worker stops), on a fake clock.
 */
import {
  createCredentialTypeRegistry,
  createFakeClock,
  createNodeTypeRegistry,
  defineCredentialType,
  type FakeClock,
  secretField,
} from '@patchbay/engine';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.ts';
import { CredentialService } from './credential-service.ts';
import { KeyRing } from './key-ring.ts';
import { CACHE_TTL_MS, WorkerCredentialAccess } from './worker-credential-access.ts';

type Session = { id: number; key: string; closed: boolean };
const sessions: Session[] = [];
const sessionType = defineCredentialType<{ host: string; key: string }, Session>({
  type: 'session',
  title: 'Session',
  description: 'A pooled session',
  schema: z.strictObject({ host: z.string(), key: z.string().meta(secretField()) }),
  connection: {
    open: async (data) => {
      const session = { id: sessions.length + 1, key: data.key, closed: false };
      sessions.push(session);
      return session;
    },
    close: async (session) => {
      session.closed = true;
    },
    idleMs: 60_000,
  },
});
const plainType = defineCredentialType({
  type: 'plain',
  title: 'Plain',
  description: 'No connection',
  schema: z.strictObject({ secret: z.string().meta(secretField()) }),
});
const types = createCredentialTypeRegistry([sessionType, plainType]);

let database: TestDatabase;
let pool: pg.Pool;
let service: CredentialService;
let clock: FakeClock;
let access: WorkerCredentialAccess;
const keyRing = KeyRing.random();
const site = { nodeId: 'n1', accepted: ['session'] };

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 3 });
  service = new CredentialService({
    pool,
    keyRing,
    types,
    nodeTypes: createNodeTypeRegistry([]),
    fetch,
    clock: createFakeClock(),
  });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});
beforeEach(async () => {
  await access?.close();
  clock = createFakeClock();
  access = new WorkerCredentialAccess({
    pool,
    keyRing,
    types,
    fetch,
    clock,
    logger: pino({ level: 'silent' }),
  });
});

let counter = 0;
const createSession = (key: string) =>
  service.create(null, { name: `s${++counter}`, type: 'session', data: { host: 'h', key } });

describe('WorkerCredentialAccess', () => {
  it('decrypts at call time and returns the secret values for redaction', async () => {
    const credential = await createSession('key-one-1');
    expect(await access.resolve(credential.id, site)).toEqual({
      type: 'session',
      data: { host: 'h', key: 'key-one-1' },
      secrets: ['key-one-1'],
    });
  });

  it('sees a change once its short cache expires', async () => {
    const credential = await createSession('key-before');
    await access.resolve(credential.id, site);
    await service.update({ id: credential.id, data: { host: 'h', key: 'key-after' } });
    expect((await access.resolve(credential.id, site)).data).toMatchObject({ key: 'key-before' });
    clock.advance(CACHE_TTL_MS);
    expect((await access.resolve(credential.id, site)).data).toMatchObject({ key: 'key-after' });
  });

  it('refuses a credential of a type the node does not accept, and one that does not exist', async () => {
    const plain = await service.create(null, {
      name: 'plain one',
      type: 'plain',
      data: { secret: 'plain-secret' },
    });
    await expect(access.resolve(plain.id, site)).rejects.toMatchObject({
      code: 'CREDENTIAL_TYPE_NOT_ACCEPTED',
      retryable: false,
      nodeId: 'n1',
      message: 'Node "n1": credential "plain one" is of type plain; this node accepts session',
    });
    await expect(
      access.resolve('00000000-0000-4000-8000-000000000000', site),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
    await expect(access.resolve('not-a-uuid', site)).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
    });
  });

  it('shares one connection per credential and closes it after idleMs without use', async () => {
    const credential = await createSession('pooled-key');
    const [a, b] = await Promise.all([
      access.connection(credential.id, site),
      access.connection(credential.id, site),
    ]);
    expect(a.connection).toBe(b.connection);
    expect(a.secrets).toEqual(['pooled-key']);
    const session = a.connection as Session;
    clock.advance(59_000);
    await access.connection(credential.id, site); // used again: the idle time starts over
    clock.advance(59_000);
    expect(session.closed).toBe(false);
    clock.advance(1_000);
    await vi.waitFor(() => expect(session.closed).toBe(true));
    expect(access.openConnections).toBe(0);
    const reopened = await access.connection(credential.id, site);
    expect(reopened.connection).not.toBe(session);
  });

  it('closes the connection when the credential changes, and opens one with the new values', async () => {
    const credential = await createSession('first-key');
    const first = (await access.connection(credential.id, site)).connection as Session;
    await service.update({ id: credential.id, data: { host: 'h', key: 'second-key' } });
    access.invalidate(credential.id); // what NOTIFY patchbay_credentials does on the worker
    await vi.waitFor(() => expect(first.closed).toBe(true));
    const second = (await access.connection(credential.id, site)).connection as Session;
    expect(second.key).toBe('second-key');
  });

  it('notices a change on the next use without a notification (updated_at differs)', async () => {
    const credential = await createSession('old-key');
    const first = (await access.connection(credential.id, site)).connection as Session;
    await service.update({ id: credential.id, data: { host: 'h', key: 'new-key' } });
    clock.advance(CACHE_TTL_MS);
    const second = (await access.connection(credential.id, site)).connection as Session;
    expect(second).not.toBe(first);
    expect(first.closed).toBe(true);
  });

  it('closes every connection when the worker stops', async () => {
    const one = await createSession('stop-key-1');
    const two = await createSession('stop-key-2');
    const a = (await access.connection(one.id, site)).connection as Session;
    const b = (await access.connection(two.id, site)).connection as Session;
    await access.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses a connection for a type that keeps none', async () => {
    const plain = await service.create(null, {
      name: 'plain two',
      type: 'plain',
      data: { secret: 'plain-secret-2' },
    });
    await expect(
      access.connection(plain.id, { nodeId: 'n2', accepted: ['plain'] }),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_HAS_NO_CONNECTION' });
  });
});
