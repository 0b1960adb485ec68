/**
 * What a process runs on its database, started in order: Patchbay's and the job queue's
 * migrations, the pools, then by role the HTTP app (not yet listening) and the worker. main.ts
 * loads this module while the embedded database starts, so the two overlap.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAppServices } from './app-services.ts';
import { migrateJobQueue } from './db/job-queue-schema.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createPgPool } from './db/pg-pool.ts';
import { createPrismaClient } from './db/prisma-client.ts';
import { createApp } from './http/app.ts';
import { type ProcessRole, servesHttp } from './process-role.ts';
import { migrationsDir, webDistDir } from './repo-paths.ts';
import type { WorkerConfig } from './worker/worker-config.ts';
import { startWorkerProcess } from './worker/worker-process.ts';

export type AppStartupOptions = {
  connectionString: string;
  role: ProcessRole;
  /** Set when this process executes runs. */
  workerConfig: WorkerConfig | undefined;
  logger: Logger;
  /** Serve the built web app (production). */
  serveWebApp: boolean;
  /** Each part started registers how it stops; the caller stops them in reverse order. */
  onStarted(stop: () => Promise<void>): void;
  /** True once shutdown began: start nothing more. */
  shuttingDown(): boolean;
  /** The job queue runner stopped on its own. */
  onFatal(): void;
};

/** The HTTP app, ready to listen, or undefined for a worker-only process (or a shutdown). */
export async function startApp(options: AppStartupOptions): Promise<FastifyInstance | undefined> {
  const { connectionString, role, workerConfig, logger } = options;
  const migrations = await migrateDatabase({ connectionString, migrationsDir, logger });
  await migrateJobQueue({ connectionString, logger });
  logger[migrations.applied.length > 0 ? 'info' : 'debug'](
    { applied: migrations.applied.length, alreadyApplied: migrations.alreadyApplied.length },
    'Database schema is up to date',
  );
  if (options.shuttingDown()) return undefined;

  const prisma = createPrismaClient(connectionString);
  options.onStarted(() => prisma.$disconnect());
  // An executing run holds a connection only for its short statements, so the pool grows with
  // concurrency but stays small: several processes share PostgreSQL's max_connections.
  const pgPool = createPgPool(connectionString, logger, {
    max: Math.min(Math.max(10, (workerConfig?.concurrency ?? 0) + 5), 20),
  });
  options.onStarted(() => pgPool.end());
  const services = createAppServices({ prisma, pgPool, logger });

  const app = servesHttp(role)
    ? await createApp({
        services,
        logger,
        webDistDir: options.serveWebApp ? webDistDir : undefined,
      })
    : undefined;
  if (workerConfig) {
    const worker = await startWorkerProcess({
      connectionString,
      pool: pgPool,
      versions: services.versions,
      guard: services.upstreamGuard,
      config: workerConfig,
      logger,
      role: role === 'worker' ? 'worker' : 'all',
      onFatal: options.onFatal,
    });
    options.onStarted(() => worker.stop());
  }
  if (app) {
    // Registered last, so closed first on shutdown: no new requests before the worker stops.
    options.onStarted(() => app.close());
  }
  return options.shuttingDown() ? undefined : app;
}
