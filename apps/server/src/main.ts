/**
 * Starts Patchbay: resolve the database (DATABASE_URL or embedded PostgreSQL), apply migrations
 * (Patchbay's, then the job queue's), then by role (`--role=all|server|worker`, see
 * process-role.ts) serve HTTP and/or execute runs. SIGINT/SIGTERM shut down in order: stop
 * accepting requests, stop taking jobs and let in-flight runs finish (handing the rest back to
 * the queue after the grace period), disconnect, stop the embedded database.
 */

import { egressSettingsFromEnv } from '@patchbay/egress';
import { PatchbayError } from '@patchbay/engine/errors';
import type { FastifyInstance } from 'fastify';
import { validateEncryptionKeySettings } from './credentials/encryption-key-config.ts';
import { connectionBudget, embeddedMaxConnections } from './db/connection-budget.ts';
import { parsePort, resolveDatabase } from './db/database-url.ts';
import { parsePublicUrl } from './http/site-identity.ts';
import { createLogger } from './logger.ts';
import { executesRuns, parseProcessRole } from './process-role.ts';
import { workerConfigFromEnv } from './worker/worker-config.ts';

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger(env);
  if (process.argv[2] === 'rotate-credentials') {
    await rotateCredentialsAndExit(env, logger);
    return;
  }
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(env);
  } catch (error) {
    // A ConfigurationError says what to change in one sentence; a stack adds nothing.
    if (error instanceof PatchbayError) logger.fatal({ code: error.code }, error.message);
    else logger.fatal({ err: error }, 'Patchbay failed to start: invalid configuration');
    process.exit(1);
  }
  const { role, port, host, workerConfig, publicUrl } = settings;

  const cleanups: (() => Promise<void>)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) {
        await cleanup().catch((error: unknown) =>
          logger.error({ err: error }, 'Shutdown step failed'),
        );
      }
    })();
    return cleaning;
  };
  let startup: Promise<void> = Promise.resolve();
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
    // A step of the start-up in progress (creating the cluster, migrating) finishes first, so
    // that whatever it started is stopped too.
    void startup.then(cleanUp).then(() => process.exit(exitCode));
  };
  // Not `process.on('SIGINT', shutdown)`: Node passes the signal's number as the second
  // argument, which would become the exit code (2 after Ctrl+C).
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  startup = (async () => {
    try {
      // Loaded (and compiled) while the embedded database starts.
      const appStartup = import('./app-startup.ts');
      appStartup.catch(() => undefined); // observed below
      const database = await resolveDatabase(
        env,
        logger.child({ component: 'embedded-postgres' }),
        {
          maxConnections: embeddedMaxConnections(
            connectionBudget(role, workerConfig?.concurrency, {
              localQueue: (workerConfig?.localQueueSize ?? 0) > 1,
            }),
          ),
        },
      );
      cleanups.push(database.stop);
      if (shuttingDown) return;

      const { startApp } = await appStartup;
      const started = await startApp({
        connectionString: database.connectionString,
        role,
        listen: { host, port },
        publicUrl,
        trustProxy: settings.trustProxy,
        egressSettings: settings.egressSettings,
        env,
        workerConfig,
        workerHttpPort: settings.workerHttpPort,
        logger,
        serveWebApp: env.NODE_ENV === 'production',
        onStarted: (stop) => cleanups.push(stop),
        shuttingDown: () => shuttingDown,
        onFatal: () => shutdown('job queue runner stopped', 1),
      });
      if (shuttingDown) return;
      if (!started) {
        console.log(
          settings.workerHttpPort === undefined
            ? `Patchbay worker ${process.pid} is taking runs (no HTTP listener)`
            : `Patchbay worker ${process.pid} is taking runs (/healthz and /metrics on PATCHBAY_WORKER_HTTP_PORT)`,
        );
        return;
      }
      const actualPort = await listenQuietly(started.app, { port, host });
      await started.listeningOn(actualPort);
      const baseUrl = publicUrl?.origin ?? `http://localhost:${actualPort}`;
      // The last line of a start: what to open.
      if (started.firstStart.kind === 'setup-link') {
        console.log(
          'Patchbay is running. No user exists yet: open this one-time link to create the owner:',
        );
        console.log(`${baseUrl}/setup?token=${started.firstStart.token}`);
      } else {
        console.log(`Patchbay is running at ${baseUrl}`);
      }
    } catch (error) {
      if (error instanceof PatchbayError) {
        // These say what went wrong and what to do in one sentence; the detail is for debugging.
        logger.debug({ err: error }, 'Start-up failure in detail');
        logger.fatal({ code: error.code }, error.message);
      } else {
        logger.fatal({ err: error }, 'Patchbay failed to start');
      }
      await cleanUp();
      process.exit(1);
    }
  })();
}

/** `main.js rotate-credentials`: re-encrypts every credential with the current key, then exits. */
async function rotateCredentialsAndExit(
  env: NodeJS.ProcessEnv,
  logger: ReturnType<typeof createLogger>,
): Promise<never> {
  try {
    validateEncryptionKeySettings(env);
    const { runRotateCredentialsCommand } = await import(
      './credentials/rotate-credentials-command.ts'
    );
    process.exit(await runRotateCredentialsCommand(env, logger));
  } catch (error) {
    if (error instanceof PatchbayError) logger.fatal({ code: error.code }, error.message);
    else logger.fatal({ err: error }, 'Rotating the credentials failed');
    process.exit(1);
  }
}

/**
 * Fastify logs "Server listening at …" at info when it listens. The URL line printed after it
 * says the same for a person, so at the default level Fastify's line is left out.
 */
async function listenQuietly(
  app: FastifyInstance,
  options: { port: number; host: string },
): Promise<number> {
  const level = app.log.level;
  if (level === 'info') app.log.level = 'warn';
  try {
    await app.listen(options);
  } finally {
    app.log.level = level;
  }
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : options.port;
}

function readSettings(env: NodeJS.ProcessEnv) {
  const role = parseProcessRole(process.argv.slice(2));
  if (role === 'worker' && !env.DATABASE_URL?.trim()) {
    throw new Error(
      'A worker process (--role=worker) needs DATABASE_URL: the PostgreSQL the API server uses.',
    );
  }
  validateEncryptionKeySettings(env);
  return {
    role,
    port: parsePort(env.PORT, 3000, 'PORT'),
    host: env.HOST?.trim() || '127.0.0.1',
    workerConfig: executesRuns(role) ? workerConfigFromEnv(env) : undefined,
    // Only a worker-role process listens on it; the other roles serve /metrics on PORT.
    workerHttpPort:
      role === 'worker' && env.PATCHBAY_WORKER_HTTP_PORT?.trim()
        ? parsePort(env.PATCHBAY_WORKER_HTTP_PORT, 0, 'PATCHBAY_WORKER_HTTP_PORT')
        : undefined,
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
