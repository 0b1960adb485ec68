/** `main.js rotate-credentials` against a real database, with keys from the environment. */
import { randomBytes } from 'node:crypto';
import { createNodeTypeRegistry, systemClock } from '@patchbay/engine';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../connectors.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.ts';
import { CredentialService } from './credential-service.ts';
import { encryptionKey, KeyRing } from './key-ring.ts';
import { runRotateCredentialsCommand } from './rotate-credentials-command.ts';

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('rotate-credentials', () => {
  it('re-encrypts with PATCHBAY_ENCRYPTION_KEY what PATCHBAY_ENCRYPTION_KEY_PREVIOUS opens', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const service = (keyRing: KeyRing) =>
      new CredentialService({
        pool,
        keyRing,
        types: createConnectorRegistry().credentialTypes,
        nodeTypes: createNodeTypeRegistry([]),
        fetch,
        clock: systemClock,
      });
    const created = await service(new KeyRing(encryptionKey(oldKey))).create(null, {
      name: 'Old key',
      type: 'httpBasic',
      data: { username: 'u', password: 'old-key-password' },
    });
    const env = {
      DATABASE_URL: database.url,
      PATCHBAY_ENCRYPTION_KEY: newKey.toString('base64'),
      PATCHBAY_ENCRYPTION_KEY_PREVIOUS: oldKey.toString('base64'),
    };
    expect(await runRotateCredentialsCommand(env, pino({ level: 'silent' }))).toBe(0);
    const { rows } = await pool.query('SELECT key_id FROM credentials WHERE id = $1', [created.id]);
    expect(rows[0].key_id).toBe(encryptionKey(newKey).id);
    expect((await service(new KeyRing(encryptionKey(newKey))).get(created.id)).values).toEqual({
      username: 'u',
    });
    // Without the old key, a row sealed with it is reported and the exit code says so.
    await service(new KeyRing(encryptionKey(oldKey))).create(null, {
      name: 'Orphan',
      type: 'hmacSecret',
      data: { secret: 'orphan-secret' },
    });
    expect(
      await runRotateCredentialsCommand(
        { DATABASE_URL: database.url, PATCHBAY_ENCRYPTION_KEY: newKey.toString('base64') },
        pino({ level: 'silent' }),
      ),
    ).toBe(1);
  });
});
