/**
 * The credentials vault end to end: the API (metadata only, write-only secrets, validation,
 * usage, delete refused while used, real tests), the stored row (no plaintext), rotation, and a
 * run whose node resolves a credential on the worker and whose stored steps read `***`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defineConnector,
  defineNodeType,
  NodeExecutionError,
  systemClock,
  uiHint,
} from '@patchbay/engine';
import { TRPCClientError } from '@trpc/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONNECTORS, createConnectorRegistry } from '../connectors.ts';
import { chainFlow } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { CredentialService } from './credential-service.ts';
import { encryptionKey, KeyRing } from './key-ring.ts';
import { rotateCredentials } from './rotate-credentials.ts';
import { openValues, readSealedCredential } from './sealed-credential.ts';

/** A node that names its credential in two ways and echoes (or fails with) the token. */
const echoNode = defineNodeType({
  type: 'test.echoCredential',
  title: 'Echo credential',
  description: 'Echoes its bearer token',
  category: 'action',
  configSchema: z.object({
    credential: z.string().meta(uiHint({ widget: 'credential', credentialTypes: ['httpBearer'] })),
    fail: z.boolean().default(false),
  }),
  defaultConfig: { credential: '' },
  credentialTypes: ['httpBearer'],
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  execute: async (ctx) => {
    const config = ctx.config as { credential: string; fail: boolean };
    const { data } = await ctx.credential<{ token: string }>(config.credential);
    const { token } = data;
    if (config.fail) {
      throw new NodeExecutionError(ctx.nodeId, 'UPSTREAM_REJECTED', `rejected ${token}`, {
        details: { sent: `Bearer ${token}` },
      });
    }
    return { output: { authorization: `Bearer ${token}`, tokenLength: token.length } };
  },
});
const testConnector = defineConnector({
  name: 'test',
  title: 'Test',
  description: 'Test nodes',
  icon: '<svg/>',
  nodeTypes: [echoNode],
  credentialTypes: [],
});

const TOKEN = 'bearer-token-5f2c9a71';
let t: TestApp;
let raw: pg.Client;
let pool: pg.Pool;
const serviceDeps = () => ({
  pool,
  keyRing: t.services.keyRing,
  types: t.services.credentialTypes,
  nodeTypes: t.services.registry,
  fetch,
  clock: systemClock,
});
/** Answers 200 to `Bearer <TOKEN>` only; a token endpoint at /token. */
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  t = await startTestApp({
    connectors: createConnectorRegistry([...CONNECTORS, testConnector]),
  });
  raw = new pg.Client({ connectionString: t.database.url });
  await raw.connect();
  pool = new pg.Pool({ connectionString: t.database.url, max: 2 });
  upstream = createServer((request, response) => {
    if (request.url === '/token') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ access_token: 'issued', expires_in: 120 }));
      return;
    }
    response.statusCode = request.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401;
    response.end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await raw?.end();
  await pool?.end();
  await new Promise((resolve) => upstream?.close(resolve));
  await t?.close();
});

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a tRPC error, got ${error}`);
  return error as unknown as {
    message: string;
    data: { code: string; field: string | null } | undefined;
  };
}

describe('credentials.*', () => {
  it('describes each type with its secret fields marked', async () => {
    const types = await t.client.credentials.types.query();
    expect(types.map((type) => type.type)).toEqual(
      expect.arrayContaining([
        'httpBearer',
        'httpBasic',
        'httpHeader',
        'httpQuery',
        'oauth2ClientCredentials',
        'hmacSecret',
      ]),
    );
    const basic = types.find((type) => type.type === 'httpBasic');
    expect(basic?.secretFields).toEqual(['password']);
    expect(basic?.jsonSchema).toMatchObject({
      properties: { password: { 'x-ui': { secret: true } } },
    });
    expect(types.find((type) => type.type === 'hmacSecret')?.testable).toBe(false);
  });

  it('creates a credential and returns metadata only, storing no plaintext', async () => {
    const created = await t.client.credentials.create.mutate({
      name: 'Stored basic',
      type: 'httpBasic',
      data: { username: 'svc-user-1234', password: 'pa55word-9c1e' },
    });
    expect(created).toMatchObject({
      name: 'Stored basic',
      type: 'httpBasic',
      usedBy: [],
      secrets: { password: true },
    });
    const { rows } = await raw.query('SELECT * FROM credentials WHERE id = $1', [created.id]);
    const row = rows[0] as Record<string, unknown>;
    const stored = JSON.stringify(row) + (row.ciphertext as Buffer).toString('latin1');
    expect(stored).not.toContain('pa55word-9c1e');
    expect(stored).not.toContain('svc-user-1234');
    expect(row.key_id).toBe(t.services.keyRing.current.id);

    const detail = await t.client.credentials.get.query({ id: created.id });
    expect(detail.values).toEqual({ username: 'svc-user-1234' });
    expect(detail.secrets).toEqual({ password: true });
    const listed = await t.client.credentials.list.query();
    expect(listed.find((entry) => entry.id === created.id)).toEqual(created);
  });

  it('names the field a value is wrong in', async () => {
    const missing = await errorOf(
      t.client.credentials.create.mutate({ name: 'No token', type: 'httpBearer', data: {} }),
    );
    expect(missing.data).toMatchObject({ code: 'BAD_REQUEST', field: 'data.token' });
    expect(missing.message).toBe('Bearer token: Token is required');
    const badUrl = await errorOf(
      t.client.credentials.create.mutate({
        name: 'Bad URL',
        type: 'oauth2ClientCredentials',
        data: { tokenUrl: 'ftp://x', clientId: 'a', clientSecret: 'b' },
      }),
    );
    expect(badUrl.data?.field).toBe('data.tokenUrl');
    expect(badUrl.message).toContain('Token URL');
    const unknown = await errorOf(
      t.client.credentials.create.mutate({ name: 'X', type: 'nope', data: {} }),
    );
    expect(unknown.data).toMatchObject({ code: 'BAD_REQUEST', field: 'type' });
  });

  it('refuses a second credential with the same name', async () => {
    await t.client.credentials.create.mutate({
      name: 'Twice',
      type: 'hmacSecret',
      data: { secret: 'first-secret-1' },
    });
    const error = await errorOf(
      t.client.credentials.create.mutate({
        name: 'twice',
        type: 'hmacSecret',
        data: { secret: 'second-secret-2' },
      }),
    );
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.message).toContain('"twice" exists already');
  });

  it('keeps a secret left out of an update, and replaces one given', async () => {
    const created = await t.client.credentials.create.mutate({
      name: 'Header key',
      type: 'httpHeader',
      data: { name: 'X-Api-Key', value: 'header-secret-01' },
    });
    const renamed = await t.client.credentials.update.mutate({
      id: created.id,
      name: 'Header key v2',
      data: { name: 'X-Key' },
    });
    expect(renamed).toMatchObject({ name: 'Header key v2', secrets: { value: true } });
    const values = async () => {
      const row = await readSealedCredential(pool, created.id);
      if (!row) throw new Error('the credential is gone');
      return openValues(t.services.keyRing, row);
    };
    expect(await values()).toEqual({ name: 'X-Key', value: 'header-secret-01' });
    await t.client.credentials.update.mutate({
      id: created.id,
      data: { name: 'X-Key', value: 'header-secret-02' },
    });
    expect(await values()).toEqual({ name: 'X-Key', value: 'header-secret-02' });
  });

  it('tests a credential with a real connection and says what failed', async () => {
    const good = await t.client.credentials.create.mutate({
      name: 'Good bearer',
      type: 'httpBearer',
      data: { token: TOKEN, testUrl: `${upstreamUrl}/me` },
    });
    expect(await t.client.credentials.test.mutate({ id: good.id })).toEqual({
      ok: true,
      message: `GET ${upstreamUrl}/me answered 200`,
    });
    const bad = await t.client.credentials.create.mutate({
      name: 'Bad bearer',
      type: 'httpBearer',
      data: { token: 'wrong-token-77', testUrl: `${upstreamUrl}/me` },
    });
    expect(await t.client.credentials.test.mutate({ id: bad.id })).toEqual({
      ok: false,
      message: `GET ${upstreamUrl}/me answered 401: the credential was not accepted`,
    });
    const oauth = await t.client.credentials.create.mutate({
      name: 'OAuth',
      type: 'oauth2ClientCredentials',
      data: { tokenUrl: `${upstreamUrl}/token`, clientId: 'c', clientSecret: 'oauth-secret-3' },
    });
    expect(await t.client.credentials.test.mutate({ id: oauth.id })).toEqual({
      ok: true,
      message: 'Got an access token valid for 120 s',
    });
  });

  it('goes through the egress guard when testing', async () => {
    const denied = await startTestApp({ worker: false, egressAllow: '10.0.0.0/8' });
    try {
      const created = await denied.client.credentials.create.mutate({
        name: 'Local',
        type: 'httpBearer',
        data: { token: 'egress-token-1', testUrl: `${upstreamUrl}/me` },
      });
      const result = await denied.client.credentials.test.mutate({ id: created.id });
      expect(result.ok).toBe(false);
      expect(result.message).not.toContain('egress-token-1');
    } finally {
      await denied.close();
    }
  });

  it('lists the flows using a credential and refuses to delete it while they do', async () => {
    const credential = await t.client.credentials.create.mutate({
      name: 'In use',
      type: 'httpBearer',
      data: { token: 'in-use-token-4' },
    });
    const flow = await t.client.flows.create.mutate({
      name: 'Uses a credential',
      document: chainFlow('Uses a credential', [
        { id: 'echo', type: 'test.echoCredential', config: { credential: credential.id } },
      ]),
    });
    const listed = await t.client.credentials.list.query();
    expect(listed.find((entry) => entry.id === credential.id)?.usedBy).toEqual([
      { flowId: flow.id, flowName: 'Uses a credential' },
    ]);
    const refused = await errorOf(t.client.credentials.delete.mutate({ id: credential.id }));
    expect(refused.data?.code).toBe('CONFLICT');
    expect(refused.message).toBe(
      'Credential "In use" is used by flow "Uses a credential": remove it from them before deleting it.',
    );
    await t.client.flows.delete.mutate({ id: flow.id });
    await t.client.credentials.delete.mutate({ id: credential.id });
    const gone = await errorOf(t.client.credentials.get.query({ id: credential.id }));
    expect(gone.data?.code).toBe('NOT_FOUND');
  });

  it('lets editors use credentials and only admins manage them', async () => {
    const editor = await t.userWithRole('editor');
    const admin = await t.userWithRole('admin');
    const created = await admin.client.credentials.create.mutate({
      name: 'By admin',
      type: 'hmacSecret',
      data: { secret: 'admin-made-secret' },
    });
    expect(await editor.client.credentials.get.query({ id: created.id })).toMatchObject({
      name: 'By admin',
    });
    const refused = await errorOf(
      editor.client.credentials.update.mutate({ id: created.id, name: 'Nope' }),
    );
    expect(refused.data?.code).toBe('FORBIDDEN');
  });

  it('writes create, update and delete to the audit log without secrets', async () => {
    const created = await t.client.credentials.create.mutate({
      name: 'Audited',
      type: 'httpBearer',
      data: { token: 'audited-token-55' },
    });
    await t.client.credentials.update.mutate({ id: created.id, data: { token: 'audited-2-66' } });
    await t.client.credentials.delete.mutate({ id: created.id });
    await t.services.auth.audit.flush();
    const { rows } = await raw.query(
      `SELECT action, outcome, target_id, details::text AS details FROM audit_log
        WHERE target_id = $1 ORDER BY action`,
      [created.id],
    );
    expect(rows.map((row) => [row.action, row.outcome])).toEqual([
      ['credentials.create', 'ok'],
      ['credentials.delete', 'ok'],
      ['credentials.update', 'ok'],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/audited-token-55|audited-2-66/);
  });
});

describe('key rotation', () => {
  it('re-encrypts every credential with the new key, which alone then opens them', async () => {
    const created = await t.client.credentials.create.mutate({
      name: 'Rotated',
      type: 'httpBasic',
      data: { username: 'rot-user', password: 'rotate-me-123' },
    });
    const oldRing = t.services.keyRing;
    const newKey = encryptionKey(Buffer.alloc(32, 7));
    const rotatingRing = new KeyRing(newKey, [oldRing.current]);
    const before = await raw.query('SELECT ciphertext, updated_at FROM credentials WHERE id = $1', [
      created.id,
    ]);
    const result = await rotateCredentials(pool, rotatingRing);
    expect(result.failed).toEqual([]);
    expect(result.rotated).toBeGreaterThan(0);
    const { rows } = await raw.query(
      'SELECT key_id, count(*)::int AS n FROM credentials GROUP BY 1',
    );
    expect(rows).toEqual([{ key_id: newKey.id, n: expect.any(Number) }]);
    const after = await raw.query('SELECT ciphertext, updated_at FROM credentials WHERE id = $1', [
      created.id,
    ]);
    expect(after.rows[0].ciphertext.equals(before.rows[0].ciphertext)).toBe(false);
    expect(after.rows[0].updated_at).toEqual(before.rows[0].updated_at);

    const withNewKeyOnly = new CredentialService({
      ...serviceDeps(),
      keyRing: new KeyRing(newKey),
    });
    expect((await withNewKeyOnly.get(created.id)).values).toEqual({ username: 'rot-user' });
    const withOldKeyOnly = new CredentialService({
      ...serviceDeps(),
      keyRing: oldRing,
    });
    await expect(withOldKeyOnly.get(created.id)).rejects.toMatchObject({
      code: 'CREDENTIAL_KEY_MISSING',
    });
    // A second run has nothing left to do.
    expect(await rotateCredentials(pool, rotatingRing)).toMatchObject({ rotated: 0, failed: [] });
    // Back to the test app's key, for the tests that follow.
    await rotateCredentials(pool, new KeyRing(oldRing.current, [newKey]));
  });
});

describe('a run that resolves a credential', () => {
  async function runWith(fail: boolean, token: string) {
    const credential = await t.client.credentials.create.mutate({
      name: `Run token ${token}`,
      type: 'httpBearer',
      data: { token },
    });
    const flow = await t.client.flows.create.mutate({
      name: `Echo ${token}`,
      document: chainFlow(`Echo ${token}`, [
        { id: 'echo', type: 'test.echoCredential', config: { credential: credential.id, fail } },
      ]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    const run = await waitForRun(t.client, runId);
    const { rows } = await raw.query(
      `SELECT (SELECT row_to_json(r)::text FROM runs r WHERE r.id = $1) AS run,
              (SELECT json_agg(s)::text FROM step_runs s WHERE s.run_id = $1) AS steps`,
      [runId],
    );
    return { run, stored: `${rows[0].run}${rows[0].steps}` };
  }

  it('gives the node the decrypted values and stores *** in their place', async () => {
    const token = 'run-secret-token-8d1f';
    const { run, stored } = await runWith(false, token);
    expect(run.status).toBe('succeeded');
    expect(stored).toContain('Bearer ***');
    expect(stored).toMatch(new RegExp(`"tokenLength": ?${token.length}`));
    expect(stored).not.toContain(token);
  });

  it('stores *** in a failed step and the run error', async () => {
    const token = 'failing-secret-token-3b7e';
    const { run, stored } = await runWith(true, token);
    expect(run.status).toBe('failed');
    expect(stored).toContain('rejected ***');
    expect(stored).not.toContain(token);
  });

  it('fails a node whose credential has a type it does not accept, without retrying', async () => {
    const hmac = await t.client.credentials.create.mutate({
      name: 'Wrong type',
      type: 'hmacSecret',
      data: { secret: 'wrong-type-secret' },
    });
    const flow = await t.client.flows.create.mutate({
      name: 'Wrong type',
      document: chainFlow('Wrong type', [
        { id: 'echo', type: 'test.echoCredential', config: { credential: hmac.id } },
      ]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    const run = await waitForRun(t.client, runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'CREDENTIAL_TYPE_NOT_ACCEPTED',
      message:
        'Node "echo": credential "Wrong type" is of type hmacSecret; this node accepts httpBearer',
    });
    const steps = await raw.query(
      'SELECT count(*)::int AS n FROM step_runs WHERE run_id = $1 AND node_id = $2',
      [runId, 'echo'],
    );
    expect(steps.rows[0].n).toBeGreaterThan(0);
  });
});
