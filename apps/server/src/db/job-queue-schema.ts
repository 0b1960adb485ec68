/**
 * Creates or upgrades graphile-worker's own schema (`graphile_worker`), where run jobs live.
 * Runs after Patchbay's migrations at every start-up, in every role: the API server enqueues with
 * `graphile_worker.add_job` even when it runs no worker. Needs no network, only the database.
 */
import { runMigrations } from 'graphile-worker';
import type { Logger } from 'pino';
import { graphileLogger } from '../worker/graphile-logger.ts';

export async function migrateJobQueue(options: {
  connectionString: string;
  logger: Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>;
}): Promise<void> {
  await runMigrations({
    connectionString: options.connectionString,
    maxPoolSize: 2,
    logger: graphileLogger(options.logger),
  });
}
