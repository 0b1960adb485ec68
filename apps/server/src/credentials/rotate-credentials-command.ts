/**
 * `node apps/server/dist/main.js rotate-credentials` (or `pnpm --filter @patchbay/server
 * rotate-credentials`): re-encrypts every credential with PATCHBAY_ENCRYPTION_KEY, opening old
 * rows with PATCHBAY_ENCRYPTION_KEY_PREVIOUS (or the generated key file). With the embedded
 * database, stop Patchbay first (the data directory is locked while it runs).
 */
import type { Logger } from 'pino';
import { resolveDatabase } from '../db/database-url.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { createPgPool } from '../db/pg-pool.ts';
import { migrationsDir } from '../repo-paths.ts';
import { keyRingFromEnv } from './encryption-key-config.ts';
import { rotateCredentials } from './rotate-credentials.ts';

/** Resolves with the process exit code. */
export async function runRotateCredentialsCommand(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<number> {
  const keyRing = await keyRingFromEnv(env, logger);
  const database = await resolveDatabase(env, logger.child({ component: 'embedded-postgres' }));
  try {
    await migrateDatabase({ connectionString: database.connectionString, migrationsDir, logger });
    const pool = createPgPool(database.connectionString, logger, { max: 2 });
    try {
      const result = await rotateCredentials(pool, keyRing);
      for (const failure of result.failed) {
        console.error(`Could not re-encrypt "${failure.name}" (${failure.id}): ${failure.message}`);
      }
      console.log(
        `Re-encrypted ${result.rotated} credential(s) with key ${keyRing.current.id}; ` +
          `${result.current} already used it; ${result.failed.length} failed.`,
      );
      return result.failed.length > 0 ? 1 : 0;
    } finally {
      await pool.end();
    }
  } finally {
    await database.stop();
  }
}
