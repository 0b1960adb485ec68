/**
 * Applies the committed `prisma/migrations/<name>/migration.sql` files at start-up, so a fresh,
 * offline machine reaches a migrated database without the Prisma schema engine. Bookkeeping uses
 * Prisma's own `_prisma_migrations` table and advisory lock key, so `prisma migrate status` and
 * this runner agree, and concurrent start-ups (or a concurrent `prisma migrate`) serialise.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine';
import pg from 'pg';

/** The key Prisma's schema engine locks on; sharing it keeps both tools from racing. */
const PRISMA_MIGRATE_ADVISORY_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationFile = { name: string; sql: string; checksum: string };

export type MigrationLogger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
};

export type MigrationResult = { applied: string[]; alreadyApplied: string[] };

export class MigrationError extends PatchbayError {}

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

/** Reads the migration directories in name order (their timestamp prefix orders them). */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const bytes = await readFile(path.join(migrationsDir, name, 'migration.sql'));
    migrations.push({
      name,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return migrations;
}

export async function migrateDatabase(options: {
  connectionString: string;
  migrationsDir: string;
  logger?: MigrationLogger;
}): Promise<MigrationResult> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK_KEY]);
    try {
      return await applyPending(client, migrations, options.logger);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(
  client: pg.Client,
  migrations: MigrationFile[],
  logger: MigrationLogger | undefined,
): Promise<MigrationResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );

  const failed = rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      'MIGRATION_FAILED_EARLIER',
      `Migration "${failed.migration_name}" started but never finished in this database. ` +
        'Inspect the database, then resolve it (e.g. `prisma migrate resolve`) before starting Patchbay.',
    );
  }

  const appliedByName = new Map(rows.map((row) => [row.migration_name, row]));
  const known = new Set(migrations.map((migration) => migration.name));
  const unknown = rows.filter((row) => !known.has(row.migration_name));
  if (unknown.length > 0) {
    logger?.warn(
      { migrations: unknown.map((row) => row.migration_name) },
      'The database has migrations that are not in prisma/migrations (a newer version of Patchbay?)',
    );
  }

  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const applied = appliedByName.get(migration.name);
    if (applied) {
      if (applied.checksum !== migration.checksum) {
        throw new MigrationError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `Migration "${migration.name}" was modified after it was applied to this database ` +
            `(applied checksum ${applied.checksum}, file checksum ${migration.checksum}). ` +
            'Never edit an applied migration: restore the file and add a new migration instead.',
          { details: { migration: migration.name } },
        );
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    await applyOne(client, migration);
    logger?.info({ migration: migration.name }, 'Applied database migration');
    result.applied.push(migration.name);
  }
  return result;
}

/** Runs one migration and records it in a single transaction: it applies fully or not at all. */
async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    // The migration's own error is the one worth reporting; a failed ROLLBACK means the
    // connection is gone, and Postgres discards the open transaction with it.
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      'MIGRATION_FAILED',
      `Migration "${migration.name}" failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
