/** Decides where the database is: DATABASE_URL when set, otherwise the embedded PostgreSQL. */
import path from 'node:path';
import { defaultDataDir } from '../repo-paths.ts';
import {
  DEFAULT_EMBEDDED_PORT,
  type EmbeddedDatabaseLogger,
  startEmbeddedDatabase,
} from './embedded/embedded-database.ts';

export type ResolvedDatabase = {
  connectionString: string;
  kind: 'external' | 'embedded';
  /** Stops the embedded cluster; a no-op for an external database. */
  stop(): Promise<void>;
};

export async function resolveDatabase(
  env: NodeJS.ProcessEnv,
  logger: EmbeddedDatabaseLogger,
  /** For the embedded PostgreSQL: the connections it must allow (connection-budget.ts). */
  embeddedOptions: { maxConnections?: number } = {},
): Promise<ResolvedDatabase> {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    return { connectionString: url, kind: 'external', stop: async () => {} };
  }
  const dataDir = path.resolve(env.PATCHBAY_DATA_DIR?.trim() || defaultDataDir);
  const port = parsePort(env.PATCHBAY_DB_PORT, DEFAULT_EMBEDDED_PORT, 'PATCHBAY_DB_PORT');
  const embedded = await startEmbeddedDatabase({
    dataDir,
    port,
    fallbackDir: env.PATCHBAY_DB_FALLBACK_DIR?.trim() || undefined,
    maxConnections: embeddedOptions.maxConnections,
    logger,
  });
  logger.info({ clusterDir: embedded.clusterDir, port }, 'Embedded PostgreSQL is running');
  return { connectionString: embedded.connectionString, kind: 'embedded', stop: embedded.stop };
}

export function parsePort(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number between 0 and 65535, got "${raw}"`);
  }
  return port;
}
