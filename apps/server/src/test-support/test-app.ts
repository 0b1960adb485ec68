/**
 * The whole server on a fresh database, listening on 127.0.0.1 with a random port, plus a real
 * tRPC HTTP client and an in-process caller for the same services, and (unless turned off) an
 * in-process worker polling fast, as in `--role=all`. Egress is guarded as in production, with
 * 127.0.0.1 allowed (tests' upstreams listen there) unless `egressAllow` says otherwise; the
 * database's and the app's own ports stay denied.
 */
import { egressSettingsFromEnv } from '@patchbay/egress';
import type { Clock } from '@patchbay/engine';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { type AppServices, createAppServices } from '../app-services.ts';
import { type AuthConfig, DEFAULT_AUTH_CONFIG } from '../auth/auth-config.ts';
import { hashPassword } from '../auth/password.ts';
import type { Principal } from '../auth/principal.ts';
import type { Role } from '../auth/roles.ts';
import type { SignInThrottlePolicy } from '../auth/sign-in-throttle.ts';
import type { ConnectorRegistry } from '../connectors.ts';
import { createPgPool } from '../db/pg-pool.ts';
import { createPrismaClient, type PrismaClient } from '../db/prisma-client.ts';
import { createProcessEgress, type ProcessEgress } from '../egress/process-egress.ts';
import { createApp } from '../http/app.ts';
import type { RunTracer } from '../observability/run-tracer.ts';
import type { RetentionConfig } from '../retention/retention-config.ts';
import type { ShedLimits } from '../runs/run-admission.ts';
import type { RunPreviewLimits } from '../runs/run-detail-query.ts';
import { type AppRouter, createCaller } from '../trpc/root.ts';
import { contextFor } from '../trpc/trpc-context.ts';
import type { SecretReader } from '../webhooks/webhook-secrets.ts';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_RUN_EXECUTIONS,
  DEFAULT_MAX_STEP_OUTPUT_BYTES,
  type WorkerConfig,
} from '../worker/worker-config.ts';
import { startWorkerProcess, type WorkerProcess } from '../worker/worker-process.ts';
import { checkedCaller, inspectResponses, rememberSecretsOf } from './known-secrets.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export type TestApp = {
  database: TestDatabase;
  prisma: PrismaClient;
  services: AppServices;
  egress: ProcessEgress;
  app: FastifyInstance;
  baseUrl: string;
  /** A tRPC client over HTTP, signed in as the owner (an owner API token). */
  client: TRPCClient<AppRouter>;
  /** An in-process caller acting as the owner. */
  caller: ReturnType<typeof createCaller>;
  owner: TestUser;
  /** Creates a user with `role` and returns it with an HTTP client using its API token. */
  userWithRole(role: Role): Promise<TestUser & { client: TRPCClient<AppRouter> }>;
  /** A tRPC client sending the given headers (a bearer token, a cookie and Origin, or nothing). */
  clientWith(headers: Record<string, string>): TRPCClient<AppRouter>;
  /** The in-process worker (undefined with `worker: false`). */
  worker: WorkerProcess | undefined;
  /** Starts another in-process worker on the same database (stopped by close). */
  startWorker(config?: Partial<WorkerConfig>): Promise<WorkerProcess>;
  close(): Promise<void>;
};

export type TestUser = {
  id: string;
  email: string;
  password: string;
  token: string;
  principal: Principal;
};

export const TEST_PASSWORD = 'correct horse battery staple';

export const TEST_WORKER_CONFIG: WorkerConfig = {
  concurrency: 5,
  leaseMs: DEFAULT_LEASE_MS,
  pollIntervalMs: 50,
  localQueueSize: 0,
  inlineWaitMaxMs: 1_000,
  shutdownGraceMs: 10_000,
  maxRunExecutions: DEFAULT_MAX_RUN_EXECUTIONS,
  sandboxProcesses: 1,
  sandboxMemoryMb: 128,
  maxStepOutputBytes: DEFAULT_MAX_STEP_OUTPUT_BYTES,
};

/** The allow list tests run with: the loopback address their local upstreams listen on. */
export const TEST_EGRESS_ALLOW = '127.0.0.1';

export async function startTestApp(
  options: {
    webDistDir?: string;
    worker?: false | Partial<WorkerConfig>;
    /** For the account services (session expiry, throttling); runs use the system clock. */
    clock?: Clock;
    signInThrottle?: SignInThrottlePolicy;
    auth?: Partial<AuthConfig>;
    publicUrl?: URL;
    /** PATCHBAY_EGRESS_ALLOW for this app; TEST_EGRESS_ALLOW by default. */
    egressAllow?: string;
    runPreviews?: RunPreviewLimits;
    /**
     * Runs started through the API execute at once on the first worker while it has a free slot
     * (default true, as in `--role=all`); false: every run goes through the queue.
     */
    inline?: boolean;
    /** When new runs are refused; default DEFAULT_SHED_LIMITS. */
    shedLimits?: ShedLimits;
    maxBatchResponseBytes?: number;
    /** Webhook signing secrets (default: none). */
    secrets?: SecretReader;
    /** PATCHBAY_WEBHOOK_MAX_BYTES for this app. */
    webhookMaxBytes?: number;
    /** PATCHBAY_METRICS_TOKEN for this app. */
    metricsToken?: string;
    /** Default: silent (or TEST_LOG_LEVEL). */
    logger?: Logger;
    /**
     * The trigger manager: started by default, serving webhooks and (with a worker) schedules,
     * as in `--role=all`; `false` leaves it stopped. `clock` is the clock schedules tick by.
     */
    triggers?: false | { clock?: Clock; resyncMs?: number };
    /** Default: every connector in connectors.ts. */
    connectors?: ConnectorRegistry;
    /** Retention settings; the workers prune on this schedule only when given. */
    retention?: RetentionConfig;
    /** The workers' run tracer (default: none). */
    tracer?: RunTracer;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const triggerOptions = options.triggers === false ? undefined : options.triggers;
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const prisma = createPrismaClient(database.url);
  const pgPool = createPgPool(database.url, logger);
  const egress = await createProcessEgress({
    settings: egressSettingsFromEnv({
      PATCHBAY_EGRESS_ALLOW: options.egressAllow ?? TEST_EGRESS_ALLOW,
    }),
    databaseUrl: database.url,
  });
  const services = createAppServices({
    prisma,
    pgPool,
    logger,
    egress: egress.guard,
    fetch: egress.http.fetch,
    auth: {
      ...DEFAULT_AUTH_CONFIG,
      secureCookies: options.publicUrl?.protocol === 'https:',
      ...options.auth,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signInThrottle ? { signInThrottle: options.signInThrottle } : {}),
    ...(options.runPreviews ? { runPreviews: options.runPreviews } : {}),
    ...(options.shedLimits ? { shedLimits: options.shedLimits } : {}),
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.connectors ? { connectors: options.connectors } : {}),
    ...(triggerOptions?.clock ? { triggerClock: triggerOptions.clock } : {}),
    ...(triggerOptions?.resyncMs ? { triggerResyncMs: triggerOptions.resyncMs } : {}),
  });
  // Every secret stored through the vault is remembered, and every response checked for one.
  rememberSecretsOf(services.credentials);
  await services.queueLoad.start();
  const workers: WorkerProcess[] = [];
  const startWorker = async (config: Partial<WorkerConfig> = {}) => {
    const worker = await startWorkerProcess({
      connectionString: database.url,
      pool: pgPool,
      versions: services.versions,
      guard: services.upstreamGuard,
      credentials: {
        keyRing: services.keyRing,
        types: services.credentialTypes,
        fetch: egress.http.fetch,
      },
      config: { ...TEST_WORKER_CONFIG, ...config },
      logger,
      role: 'all',
      completions: services.completions,
      ...(options.retention ? { retention: options.retention } : {}),
      intake: services.intake,
      publicUrl: options.publicUrl,
      ...(options.tracer ? { tracer: options.tracer } : {}),
    });
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? undefined : await startWorker(options.worker);
  if (worker && options.inline !== false) services.intake.executeInline(worker.runs);
  if (options.triggers !== false) {
    await services.triggers.start({
      connectionString: database.url,
      hosts: worker ? ['server', 'worker'] : ['server'],
    });
  }
  const app = await createApp({
    services,
    logger,
    webDistDir: options.webDistDir,
    publicUrl: options.publicUrl,
    maxBatchResponseBytes: options.maxBatchResponseBytes,
    webhookMaxBytes: options.webhookMaxBytes,
    metricsToken: options.metricsToken,
  });
  inspectResponses(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('Server has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  await egress.guard.addOwnEndpoint({ kind: 'http', host: '127.0.0.1', port: address.port });

  const clientWith = (headers: Record<string, string>) =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${baseUrl}/trpc`, maxURLLength: 4000, maxItems: 20, headers })],
    });
  const createUser = async (role: Role): Promise<TestUser> => {
    const email = `${role}-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const user = await services.auth.users.insert({
      email,
      role,
      passwordHash: await hashPassword(TEST_PASSWORD),
    });
    const principal: Principal = {
      kind: 'session',
      userId: user.id,
      email: user.email,
      name: null,
      role,
    };
    const { token } = await services.auth.tokens.create(principal, { name: 'tests', role });
    return { id: user.id, email: user.email, password: TEST_PASSWORD, token, principal };
  };
  const owner = await createUser('owner');
  const client = clientWith({ authorization: `Bearer ${owner.token}` });
  const caller = checkedCaller(createCaller(contextFor(services, owner.principal)));

  return {
    database,
    prisma,
    services,
    egress,
    app,
    baseUrl,
    client,
    caller,
    owner,
    async userWithRole(role) {
      const user = await createUser(role);
      return { ...user, client: clientWith({ authorization: `Bearer ${user.token}` }) };
    },
    clientWith,
    worker,
    startWorker,
    async close() {
      await app.close();
      await services.triggers.stop();
      services.queueLoad.stop();
      await services.auth.audit.close();
      await Promise.all(workers.map((started) => started.stop()));
      await services.completions.stop();
      await services.stepTests.close();
      await egress.http.close();
      await prisma.$disconnect();
      await pgPool.end();
      await database.drop();
    },
  };
}

/** Polls until the run reaches a final status (bounded). */
export async function waitForRun(client: TRPCClient<AppRouter>, runId: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.runs.get.query({ id: runId });
    if (run.status !== 'queued' && run.status !== 'running') return run;
    if (Date.now() > deadline)
      throw new Error(`Run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Row counts of every table, to prove a rejected request wrote nothing. */
export async function countRows(prisma: PrismaClient) {
  const [flows, versions, runs, steps] = await Promise.all([
    prisma.flow.count(),
    prisma.flowVersion.count(),
    prisma.run.count(),
    prisma.stepRun.count(),
  ]);
  return { flows, versions, runs, steps };
}
