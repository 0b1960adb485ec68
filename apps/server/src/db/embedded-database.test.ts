import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from './embedded-database.ts';

const logger = { info: () => {}, debug: () => {}, error: () => {} };
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function queryOnce<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedDatabase', () => {
  it('initialises a cluster once, creates the database and keeps data across restarts', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'patchbay-data-'));
    dirs.push(root);
    // PostgreSQL runs as an unprivileged user, which must be able to reach the data directory.
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'postgres');
    const port = await freePort();

    const first = await startEmbeddedDatabase({ dataDir, port, logger });
    try {
      expect(first.initialised).toBe(true);
      expect(first.connectionString).toContain(`:${port}/patchbay`);
      await queryOnce(first.connectionString, 'CREATE TABLE kept (value TEXT)');
      await queryOnce(first.connectionString, "INSERT INTO kept VALUES ('still here')");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedDatabase({ dataDir, port, logger });
    try {
      expect(second.initialised).toBe(false);
      expect(await queryOnce(second.connectionString, 'SELECT value FROM kept')).toEqual([
        { value: 'still here' },
      ]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
