/**
 * A fresh PostgreSQL database per test file on the local server (TEST_DATABASE_URL), dropped
 * afterwards. Nothing shared is ever touched.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { migrateJobQueue } from '../db/job-queue-schema.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { migrationsDir } from '../repo-paths.ts';

export const testServerUrl =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

/** An empty database (no tables). */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = `patchbay_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A database with every migration applied, the job queue's schema included. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  try {
    await migrateDatabase({ connectionString: database.url, migrationsDir });
    await migrateJobQueue({ connectionString: database.url, logger: pino({ level: 'silent' }) });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
