/**
 * GET /healthz: 200 when the database answers, 503 when it does not (details only in the log).
 * `load` says whether new runs are being refused because the queue is past its limits: the
 * process is healthy then (a load balancer must not take it out), but busy.
 */
import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../db/prisma-client.ts';
import type { LoadStatus } from '../runs/load-status.ts';

const DATABASE_CHECK_TIMEOUT_MS = 3_000;

export function registerHealthRoute(
  app: FastifyInstance,
  prisma: PrismaClient,
  load: () => LoadStatus,
): void {
  app.get('/healthz', async (request, reply) => {
    try {
      await withTimeout(prisma.$queryRaw`SELECT 1`, DATABASE_CHECK_TIMEOUT_MS);
      const { shedding, reason, queuedRuns, oldestWaitMs } = load();
      return {
        status: 'ok',
        database: 'reachable',
        load: { shedding, reason, queuedRuns, oldestWaitMs },
      };
    } catch (error) {
      request.log.warn({ err: error }, 'Health check: database unreachable');
      return reply.code(503).send({
        status: 'error',
        database: 'unreachable',
        message: 'The database does not answer.',
      });
    }
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
