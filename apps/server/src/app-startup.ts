/**
 * What a process runs on its database, started in order: Patchbay's and the job queue's
 * migrations, the pools, then by role the HTTP app (not yet listening) and the worker. main.ts
 * loads this module while the embedded database starts, so the two overlap.
 */
import type { EgressSettings } from '@patchbay/egress';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type AppServices, createAppServices } from './app-services.ts';
import { authConfigFromEnv } from './auth/auth-config.ts';
import type { FirstStart } from './auth/first-owner-setup.ts';
import { keyRingFromEnv } from './credentials/encryption-key-config.ts';
import { connectionBudget, warnIfOverConnectionLimit } from './db/connection-budget.ts';
import { migrateJobQueue } from './db/job-queue-schema.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createPgPool } from './db/pg-pool.ts';
import { createPrismaClient } from './db/prisma-client.ts';
import { createProcessEgress, type ProcessEgress } from './egress/process-egress.ts';
import { positiveInt } from './env-number.ts';
import { createApp } from './http/app.ts';
import { createRunTracer } from './observability/run-tracer.ts';
import { createWorkerHttpApp } from './observability/worker-http.ts';
import { type ProcessRole, servesHttp, triggerHosts } from './process-role.ts';
import { migrationsDir, webDistDir } from './repo-paths.ts';
import { retentionConfigFromEnv } from './retention/retention-config.ts';
import { shedLimitsFromEnv } from './runs/run-admission.ts';
import { statsCompactionConfigFromEnv } from './stats/stats-compactor.ts';
import { DEFAULT_WEBHOOK_MAX_BYTES } from './webhooks/webhook-routes.ts';
import type { WorkerConfig } from './worker/worker-config.ts';
import { startWorkerProcess } from './worker/worker-process.ts';

export type AppStartupOptions = {
  connectionString: string;
  role: ProcessRole;
  /** Where HTTP listens (its port is Patchbay's own, denied to flows). */
  listen: { host: string; port: number };
  /** PATCHBAY_PUBLIC_URL. */
  publicUrl: URL | undefined;
  /** PATCHBAY_TRUST_PROXY. */
  trustProxy: boolean | string;
  egressSettings: EgressSettings;
  /** PATCHBAY_ADMIN_EMAIL / PATCHBAY_ADMIN_PASSWORD, and the session settings. */
  env: NodeJS.ProcessEnv;
  /** Set when this process executes runs. */
  workerConfig: WorkerConfig | undefined;
  /**
   * PATCHBAY_WORKER_HTTP_PORT: a worker-role process serves /healthz and /metrics on it (on the
   * listen host). Unset: a worker has no HTTP listener.
   */
  workerHttpPort?: number | undefined;
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

export type StartedApp = {
  /** Ready to listen. */
  app: FastifyInstance;
  /** `setup-link`: nobody can sign in yet, print the link. */
  firstStart: FirstStart;
  /** Tells the egress guard the port HTTP ended up on (PORT=0). */
  listeningOn(port: number): Promise<void>;
};

/** The HTTP app, ready to listen, or undefined for a worker-only process (or a shutdown). */
export async function startApp(options: AppStartupOptions): Promise<StartedApp | undefined> {
  const { connectionString, role, workerConfig, logger, listen } = options;
  // First: a bad key stops the start before anything else happens.
  const keyRing = await keyRingFromEnv(options.env, logger);
  const migrations = await migrateDatabase({ connectionString, migrationsDir, logger });
  await migrateJobQueue({ connectionString, logger });
  logger[migrations.applied.length > 0 ? 'info' : 'debug'](
    { applied: migrations.applied.length, alreadyApplied: migrations.alreadyApplied.length },
    'Database schema is up to date',
  );
  if (options.shuttingDown()) return undefined;

  // Each pool's cap follows the role and the concurrency (db/connection-budget.ts).
  const budget = connectionBudget(role, workerConfig?.concurrency, {
    localQueue: (workerConfig?.localQueueSize ?? 0) > 1,
  });
  const prisma = createPrismaClient(connectionString, { max: budget.prisma });
  options.onStarted(() => prisma.$disconnect());
  const pgPool = createPgPool(connectionString, logger, { max: budget.pool });
  options.onStarted(() => pgPool.end());
  await warnIfOverConnectionLimit(pgPool, budget, logger);
  // One guard per process: every HTTP call of a run, and every save's warnings, use it.
  const egress: ProcessEgress = await createProcessEgress({
    settings: options.egressSettings,
    databaseUrl: connectionString,
    listen,
  });
  options.onStarted(() => egress.http.close());
  const retention = retentionConfigFromEnv(options.env);
  const services = createAppServices({
    prisma,
    pgPool,
    logger,
    egress: egress.guard,
    fetch: egress.http.fetch,
    auth: authConfigFromEnv(options.env, options.publicUrl),
    shedLimits: shedLimitsFromEnv(options.env),
    retention,
    keyRing,
    ...(workerConfig ? { maxStepOutputBytes: workerConfig.maxStepOutputBytes } : {}),
  });
  options.onStarted(() => services.auth.audit.close());
  options.onStarted(() => services.completions.stop());
  options.onStarted(() => services.stepTests.close());

  let firstStart: FirstStart = { kind: 'ready' };
  const app = servesHttp(role)
    ? await createApp({
        services,
        logger,
        webDistDir: options.serveWebApp ? webDistDir : undefined,
        publicUrl: options.publicUrl,
        trustProxy: options.trustProxy,
        webhookMaxBytes: positiveInt(
          options.env,
          'PATCHBAY_WEBHOOK_MAX_BYTES',
          DEFAULT_WEBHOOK_MAX_BYTES,
        ),
        metricsToken: options.env.PATCHBAY_METRICS_TOKEN,
      })
    : undefined;
  if (app) {
    // Admission control reads the queue's load; the first read happens before requests arrive.
    await services.queueLoad.start();
    options.onStarted(async () => services.queueLoad.stop());
    firstStart = await services.auth.setup.prepare({
      adminEmail: options.env.PATCHBAY_ADMIN_EMAIL,
      adminPassword: options.env.PATCHBAY_ADMIN_PASSWORD,
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
    options.onStarted(async () => clearInterval(housekeeping));
  }
  if (workerConfig) {
    // Off unless OTEL_* configures an OTLP exporter; only then is the SDK loaded.
    const tracer = await createRunTracer(options.env, logger);
    options.onStarted(() => tracer.shutdown());
    const worker = await startWorkerProcess({
      connectionString,
      pool: pgPool,
      versions: services.versions,
      guard: services.upstreamGuard,
      credentials: { keyRing, types: services.credentialTypes, fetch: egress.http.fetch },
      config: workerConfig,
      logger,
      role: role === 'worker' ? 'worker' : 'all',
      onFatal: options.onFatal,
      completions: services.completions,
      retention,
      statsCompaction: statsCompactionConfigFromEnv(options.env),
      intake: services.intake,
      publicUrl: options.publicUrl,
      tracer,
    });
    options.onStarted(() => worker.stop());
    // Runs started through this process's HTTP execute here at once while a slot is free.
    if (app) services.intake.executeInline(worker.runs);
  }
  // Triggers of active flows: webhooks where HTTP is served, schedules where runs execute.
  // Stopped before the worker, so no tick starts a run while it drains.
  await services.triggers.start({ connectionString, hosts: triggerHosts(role) });
  options.onStarted(() => services.triggers.stop());
  if (app) {
    // Registered last, so closed first on shutdown: no new requests before the worker stops.
    options.onStarted(() => app.close());
  }
  if (!app && options.workerHttpPort !== undefined && !options.shuttingDown()) {
    await serveWorkerHttp(options, services, egress, options.workerHttpPort);
  }
  if (!app || options.shuttingDown()) return undefined;
  return {
    app,
    firstStart,
    async listeningOn(port) {
      if (port !== listen.port) {
        await egress.guard.addOwnEndpoint({ kind: 'http', host: listen.host, port });
      }
    },
  };
}

/** A worker-role process's /healthz and /metrics (observability/worker-http.ts). */
async function serveWorkerHttp(
  options: AppStartupOptions,
  services: AppServices,
  egress: ProcessEgress,
  port: number,
): Promise<void> {
  // The queue depth for /metrics and /healthz: read as the HTTP processes read it.
  await services.queueLoad.start();
  options.onStarted(async () => services.queueLoad.stop());
  const app = await createWorkerHttpApp({
    services,
    logger: options.logger,
    metricsToken: options.env.PATCHBAY_METRICS_TOKEN,
  });
  options.onStarted(() => app.close());
  const host = options.listen.host;
  // Fastify logs "Server listening at …" (component worker-http) at info.
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  // Flows may not call the worker's own listener, as they may not call the server's.
  await egress.guard.addOwnEndpoint({ kind: 'http', host, port: actualPort });
}
