/**
 * Starts Patchbay: resolve the database (DATABASE_URL or embedded PostgreSQL), apply migrations,
 * build the HTTP app and listen. SIGINT/SIGTERM shut down in order: stop accepting requests,
 * wait for in-flight runs, disconnect, stop the embedded database.
 */
import { createAppServices } from './app-services.ts';
import { parsePort, resolveDatabase } from './db/database-url.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createPrismaClient } from './db/prisma-client.ts';
import { createApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import { migrationsDir, webDistDir } from './repo-paths.ts';
import { recoverInterruptedRuns } from './runs/run-recovery.ts';

const RUN_SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger(env);
  const port = parsePort(env.PORT, 3000, 'PORT');
  const host = env.HOST?.trim() || '127.0.0.1';
  const production = env.NODE_ENV === 'production';

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) =>
        logger.error({ err: error }, 'Shutdown step failed'),
      );
    }
  };

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'Forced exit');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'Shutting down');
    void cleanUp().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  try {
    const database = await resolveDatabase(env, logger.child({ component: 'embedded-postgres' }));
    cleanups.push(database.stop);
    if (shuttingDown) return;

    const migrations = await migrateDatabase({
      connectionString: database.connectionString,
      migrationsDir,
      logger,
    });
    logger.info(
      { applied: migrations.applied.length, alreadyApplied: migrations.alreadyApplied.length },
      'Database schema is up to date',
    );

    const prisma = createPrismaClient(database.connectionString);
    cleanups.push(() => prisma.$disconnect());
    const services = createAppServices({ prisma, logger });
    cleanups.push(() => services.dispatcher.shutdown({ graceMs: RUN_SHUTDOWN_GRACE_MS }));

    const app = await createApp({
      services,
      logger,
      webDistDir: production ? webDistDir : undefined,
    });
    cleanups.push(() => app.close());
    if (shuttingDown) return;

    await recoverInterruptedRuns({ prisma, dispatcher: services.dispatcher, logger });
    await app.listen({ port, host });
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    console.log(`Patchbay is running at http://localhost:${actualPort}`);
  } catch (error) {
    logger.fatal({ err: error }, 'Patchbay failed to start');
    await cleanUp();
    process.exit(1);
  }
}

await main();
