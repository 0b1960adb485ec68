/**
 * Starts Patchbay: resolve the database (DATABASE_URL or embedded PostgreSQL), apply migrations
 * (Patchbay's, then the job queue's), then by role (`--role=all|server|worker`, see
 * process-role.ts) serve HTTP and/or execute runs. SIGINT/SIGTERM shut down in order: stop
 * accepting requests, stop taking jobs and let in-flight runs finish (handing the rest back to
 * the queue after the grace period), disconnect, stop the embedded database.
 */
import { egressSettingsFromEnv } from '@patchbay/egress';
import { createAppServices } from './app-services.ts';
import { authConfigFromEnv } from './auth/auth-config.ts';
import type { FirstStart } from './auth/first-owner-setup.ts';
import { parsePort, resolveDatabase } from './db/database-url.ts';
import { migrateJobQueue } from './db/job-queue-schema.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createPgPool } from './db/pg-pool.ts';
import { createPrismaClient } from './db/prisma-client.ts';
import { createProcessEgress } from './egress/process-egress.ts';
import { createApp } from './http/app.ts';
import { parsePublicUrl } from './http/site-identity.ts';
import { createLogger } from './logger.ts';
import { executesRuns, parseProcessRole, servesHttp } from './process-role.ts';
import { migrationsDir, webDistDir } from './repo-paths.ts';
import { workerConfigFromEnv } from './worker/worker-config.ts';
import { startWorkerProcess } from './worker/worker-process.ts';

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger(env);
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(env);
  } catch (error) {
    logger.fatal({ err: error }, 'Patchbay failed to start: invalid configuration');
    process.exit(1);
  }
  const { role, port, host, workerConfig, publicUrl, egressSettings } = settings;
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
  const shutdown = (reason: string, exitCode = 0) => {
    if (shuttingDown) {
      logger.warn({ reason }, 'Forced exit');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ reason, role }, 'Shutting down');
    // A clean-up that hangs (a dead queue runner, an unreachable database) must not keep a
    // zombie process alive, heartbeating leases for runs it can no longer finish.
    const hardStopMs = (workerConfig?.shutdownGraceMs ?? 0) + 15_000;
    setTimeout(() => {
      logger.error({ hardStopMs }, 'Shutdown did not finish in time; exiting');
      process.exit(exitCode || 1);
    }, hardStopMs).unref();
    void cleanUp().then(() => process.exit(exitCode));
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
    await migrateJobQueue({ connectionString: database.connectionString, logger });
    logger.info(
      { applied: migrations.applied.length, alreadyApplied: migrations.alreadyApplied.length },
      'Database schema is up to date',
    );

    const prisma = createPrismaClient(database.connectionString);
    cleanups.push(() => prisma.$disconnect());
    // An executing run holds a connection only for its short statements, so the pool grows with
    // concurrency but stays small: several processes share PostgreSQL's max_connections.
    const pgPool = createPgPool(database.connectionString, logger, {
      max: Math.min(Math.max(10, (workerConfig?.concurrency ?? 0) + 5), 20),
    });
    cleanups.push(() => pgPool.end());
    // One guard per process: every HTTP call of a run, and every save's warnings, use it.
    const egress = await createProcessEgress({
      settings: egressSettings,
      databaseUrl: database.connectionString,
      listen: { host, port },
    });
    cleanups.push(() => egress.http.close());
    const services = createAppServices({
      prisma,
      pgPool,
      logger,
      egress: egress.guard,
      auth: authConfigFromEnv(env, publicUrl),
    });
    cleanups.push(() => services.auth.audit.close());

    let firstStart: FirstStart = { kind: 'ready' };
    const app = servesHttp(role)
      ? await createApp({
          services,
          logger,
          webDistDir: production ? webDistDir : undefined,
          publicUrl,
          trustProxy: settings.trustProxy,
        })
      : undefined;
    if (app) {
      firstStart = await services.auth.setup.prepare({
        adminEmail: env.PATCHBAY_ADMIN_EMAIL,
        adminPassword: env.PATCHBAY_ADMIN_PASSWORD,
      });
      if (firstStart.kind === 'owner-created') {
        logger.info({ email: firstStart.email }, 'Created the owner from PATCHBAY_ADMIN_EMAIL');
      }
      const housekeeping = setInterval(() => {
        services.auth.deleteExpired().catch((error: unknown) => {
          logger.warn({ err: error }, 'Could not delete expired sessions');
        });
      }, 3_600_000);
      housekeeping.unref();
      cleanups.push(async () => clearInterval(housekeeping));
    }
    if (workerConfig) {
      const worker = await startWorkerProcess({
        connectionString: database.connectionString,
        pool: pgPool,
        versions: services.versions,
        guard: services.upstreamGuard,
        fetch: egress.http.fetch,
        config: workerConfig,
        logger,
        role: role === 'worker' ? 'worker' : 'all',
        onFatal: () => shutdown('job queue runner stopped', 1),
      });
      cleanups.push(() => worker.stop());
    }
    if (shuttingDown) return;
    if (!app) {
      console.log(`Patchbay worker ${process.pid} is taking runs (no HTTP listener)`);
      return;
    }
    // Closed first on shutdown (cleanups run in reverse), before the worker stops.
    cleanups.push(() => app.close());
    await app.listen({ port, host });
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    if (actualPort !== port) {
      await egress.guard.addOwnEndpoint({ kind: 'http', host, port: actualPort });
    }
    const baseUrl = publicUrl?.origin ?? `http://localhost:${actualPort}`;
    if (firstStart.kind === 'setup-link') {
      // The last line printed is the one to open.
      console.log(
        `Patchbay is running. No user exists yet: open this one-time link to create the owner:`,
      );
      console.log(`${baseUrl}/setup?token=${firstStart.token}`);
    } else {
      console.log(`Patchbay is running at ${baseUrl}`);
    }
  } catch (error) {
    logger.fatal({ err: error }, 'Patchbay failed to start');
    await cleanUp();
    process.exit(1);
  }
}

function readSettings(env: NodeJS.ProcessEnv) {
  const role = parseProcessRole(process.argv.slice(2));
  if (role === 'worker' && !env.DATABASE_URL?.trim()) {
    throw new Error(
      'A worker process (--role=worker) needs DATABASE_URL: the PostgreSQL the API server uses.',
    );
  }
  return {
    role,
    port: parsePort(env.PORT, 3000, 'PORT'),
    host: env.HOST?.trim() || '127.0.0.1',
    workerConfig: executesRuns(role) ? workerConfigFromEnv(env) : undefined,
    publicUrl: parsePublicUrl(env.PATCHBAY_PUBLIC_URL),
    trustProxy: parseTrustProxy(env.PATCHBAY_TRUST_PROXY),
    egressSettings: egressSettingsFromEnv(env),
  };
}

/** PATCHBAY_TRUST_PROXY: unset/false, true, or a comma-separated list of proxy addresses. */
function parseTrustProxy(raw: string | undefined): boolean | string {
  const text = raw?.trim();
  if (!text || text === 'false') return false;
  if (text === 'true') return true;
  return text;
}

await main();
