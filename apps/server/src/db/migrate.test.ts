import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationsDir } from '../repo-paths.ts';
import { createEmptyDatabase, type TestDatabase } from '../test-support/test-database.ts';
import { MigrationError, migrateDatabase, readMigrations } from './migrate.ts';

let database: TestDatabase;
let workDir: string;

beforeEach(async () => {
  database = await createEmptyDatabase();
  workDir = await mkdtemp(path.join(tmpdir(), 'patchbay-migrations-'));
  await cp(migrationsDir, workDir, { recursive: true });
});
afterEach(async () => {
  await database?.drop();
  await rm(workDir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrateDatabase', () => {
  it('applies every migration once, recording it like Prisma does', async () => {
    const migrations = await readMigrations(workDir);
    const first = await migrateDatabase({ connectionString: database.url, migrationsDir: workDir });
    expect(first.applied).toEqual(migrations.map((migration) => migration.name));

    const second = await migrateDatabase({
      connectionString: database.url,
      migrationsDir: workDir,
    });
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied });

    const rows = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>('SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations');
    expect(rows).toEqual(
      migrations.map((migration) =>
        expect.objectContaining({
          migration_name: migration.name,
          checksum: migration.checksum,
          applied_steps_count: 1,
        }),
      ),
    );
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((row) => row.tablename)).toEqual([
      '_prisma_migrations',
      'api_tokens',
      'audit_log',
      'auth_throttles',
      'breaker_transitions',
      'circuit_breakers',
      'credentials',
      'flow_versions',
      'flows',
      'one_time_tokens',
      'pruning_log',
      'rate_limits',
      'run_error_stats_hour',
      'run_error_stats_minute',
      'run_stats_hour',
      'run_stats_minute',
      'runs',
      'sessions',
      'stats_live_watchers',
      'step_runs',
      'step_stats_hour',
      'step_stats_minute',
      'step_tests',
      'trigger_claims',
      'users',
      'worker_presence_minute',
      'workers',
    ]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    await migrateDatabase({ connectionString: database.url, migrationsDir: workDir });
    const [migration] = await readMigrations(workDir);
    await writeFile(
      path.join(workDir, migration!.name, 'migration.sql'),
      `${migration!.sql}\n-- edited afterwards\n`,
    );
    const error = await migrateDatabase({
      connectionString: database.url,
      migrationsDir: workDir,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH' });
    expect((error as Error).message).toContain(migration!.name);
  });

  it('is safe when several processes start at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        migrateDatabase({ connectionString: database.url, migrationsDir: workDir }),
      ),
    );
    const migrations = await readMigrations(workDir);
    const appliedCounts = results.map((result) => result.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, 0, 0, 0, migrations.length]);
    const rows = await query('SELECT id FROM _prisma_migrations');
    expect(rows).toHaveLength(migrations.length);
  });

  it('rolls a failing migration back completely and applies it once it is fixed', async () => {
    await migrateDatabase({ connectionString: database.url, migrationsDir: workDir });
    const broken = path.join(workDir, '20261126000000_broken');
    await cp(path.join(workDir, '20261125000000_init'), broken, { recursive: true });
    await writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n',
    );
    await expect(
      migrateDatabase({ connectionString: database.url, migrationsDir: workDir }),
    ).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(await query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'")).toHaveLength(0);
    expect(
      await query(
        "SELECT 1 FROM _prisma_migrations WHERE migration_name = '20261126000000_broken'",
      ),
    ).toHaveLength(0);

    await writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE "half_done" ("id" INTEGER);\n',
    );
    const fixed = await migrateDatabase({ connectionString: database.url, migrationsDir: workDir });
    expect(fixed.applied).toEqual(['20261126000000_broken']);
  });
});
