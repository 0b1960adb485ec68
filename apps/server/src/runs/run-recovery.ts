/**
 * After a restart, runs this process left behind are settled: queued runs (never started) are
 * dispatched again; running runs were interrupted mid-way and are marked failed rather than
 * repeated, because their steps may already have had side effects.
 */
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma-client.ts';
import type { RunDispatcher } from './run-dispatcher.ts';
import { RUN_STATUS } from './run-status.ts';

export async function recoverInterruptedRuns(deps: {
  prisma: PrismaClient;
  dispatcher: RunDispatcher;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: Date;
}): Promise<{ requeued: number; interrupted: number }> {
  const { prisma, dispatcher, logger } = deps;
  const now = deps.now ?? new Date();
  const interrupted = await prisma.$executeRaw`
    UPDATE runs
       SET status = ${RUN_STATUS.failed},
           finished_at = ${now},
           duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamptz - COALESCE(started_at, created_at))) * 1000)::int),
           error = ${JSON.stringify({
             code: 'RUN_INTERRUPTED',
             message: 'The server stopped while this run was executing. Run the flow again.',
             retryable: true,
           })}::jsonb
     WHERE status = ${RUN_STATUS.running}`;
  if (interrupted > 0) logger.warn({ runs: interrupted }, 'Marked interrupted runs as failed');

  const queued = await prisma.run.findMany({
    where: { status: RUN_STATUS.queued },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  for (const run of queued) await dispatcher.dispatch(run.id);
  if (queued.length > 0) logger.info({ runs: queued.length }, 'Dispatched runs left queued');
  return { requeued: queued.length, interrupted };
}
