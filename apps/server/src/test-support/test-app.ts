/**
 * The whole server on a fresh database, listening on 127.0.0.1 with a random port, plus a real
 * tRPC HTTP client and an in-process caller for the same services, and (unless turned off) an
 * in-process worker polling fast, as in `--role=all`.
 */
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type AppServices, createAppServices } from '../app-services.ts';
import { createPgPool } from '../db/pg-pool.ts';
import { createPrismaClient, type PrismaClient } from '../db/prisma-client.ts';
import { createApp } from '../http/app.ts';
import { type AppRouter, createCaller } from '../trpc/root.ts';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_RUN_EXECUTIONS,
  type WorkerConfig,
} from '../worker/worker-config.ts';
import { startWorkerProcess, type WorkerProcess } from '../worker/worker-process.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export type TestApp = {
  database: TestDatabase;
  prisma: PrismaClient;
  services: AppServices;
  app: FastifyInstance;
  baseUrl: string;
  client: TRPCClient<AppRouter>;
  caller: ReturnType<typeof createCaller>;
  /** The in-process worker (undefined with `worker: false`). */
  worker: WorkerProcess | undefined;
  /** Starts another in-process worker on the same database (stopped by close). */
  startWorker(config?: Partial<WorkerConfig>): Promise<WorkerProcess>;
  close(): Promise<void>;
};

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
};

export async function startTestApp(
  options: { webDistDir?: string; worker?: false | Partial<WorkerConfig> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const prisma = createPrismaClient(database.url);
  const pgPool = createPgPool(database.url, logger);
  const services = createAppServices({ prisma, pgPool, logger });
  const workers: WorkerProcess[] = [];
  const startWorker = async (config: Partial<WorkerConfig> = {}) => {
    const worker = await startWorkerProcess({
      connectionString: database.url,
      pool: pgPool,
      versions: services.versions,
      guard: services.upstreamGuard,
      config: { ...TEST_WORKER_CONFIG, ...config },
      logger,
      role: 'all',
    });
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? undefined : await startWorker(options.worker);
  const app = await createApp({ services, logger, webDistDir: options.webDistDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('Server has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const client = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${baseUrl}/trpc`, maxURLLength: 4000 })],
  });
  const caller = createCaller({
    flows: services.flows,
    runs: services.runs,
    registry: services.registry,
    breakers: services.breakers,
    limits: services.limits,
  });

  return {
    database,
    prisma,
    services,
    app,
    baseUrl,
    client,
    caller,
    worker,
    startWorker,
    async close() {
      await app.close();
      await Promise.all(workers.map((started) => started.stop()));
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
