/**
 * The worker side of a process (roles `all` and `worker`): a graphile-worker runner whose `run`
 * task is RunWorker.handle, plus the lease heartbeat, the sweeper that recovers runs of dead
 * workers, the cancellation listener, and the sandbox processes that evaluate the expressions too
 * heavy to evaluate on the event loop. Any number of worker processes share one PostgreSQL with no
 * other coordination.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import {
  type Clock,
  type CredentialTypeRegistry,
  systemClock,
  type UpstreamGuard,
} from '@patchbay/engine';
import {
  createSandboxedExpressionEvaluator,
  JSONATA_TASK,
  Sandbox,
  type SandboxedExpressionEvaluator,
} from '@patchbay/sandbox';
import { type Runner, run, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { KeyRing } from '../credentials/key-ring.ts';
import { WorkerCredentialAccess } from '../credentials/worker-credential-access.ts';
import { queuePoolSize } from '../db/connection-budget.ts';
import type { RunTracer } from '../observability/run-tracer.ts';
import type { RetentionConfig } from '../retention/retention-config.ts';
import { RetentionPruner } from '../retention/retention-pruner.ts';
import { ERROR_FLOW_TASK, ErrorFlowStarter } from '../runs/error-flow.ts';
import type { FlowVersionCache } from '../runs/flow-version-cache.ts';
import type { RunCompletionSink } from '../runs/run-completions.ts';
import type { RunIntake } from '../runs/run-intake.ts';
import { RUN_TASK } from '../runs/run-queue.ts';
import { type StatsCompactionConfig, StatsCompactor } from '../stats/stats-compactor.ts';
import { CancelListener } from './cancel-listener.ts';
import { graphileLogger } from './graphile-logger.ts';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import { LeaseSweeper, type SweepResult } from './lease-sweeper.ts';
import { queueConnectionString } from './queue-connection.ts';
import { RunWorker } from './run-worker.ts';
import type { WorkerConfig } from './worker-config.ts';

export type WorkerProcess = {
  /** This process's id in `workers`, and the lease owner of the runs it executes. */
  readonly id: string;
  readonly runs: RunWorker;
  /** Evaluates the runs' expressions: in process when quick, in the sandbox otherwise. */
  readonly expressions: SandboxedExpressionEvaluator;
  /** One recovery sweep now (tests; normally the timer does it). */
  sweep(): Promise<SweepResult>;
  /**
   * Stops taking jobs, lets in-flight runs finish for `graceMs`, then hands the rest back to
   * the queue (owner cleared, job re-added) so another worker resumes them at once.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
};

export type StartWorkerOptions = {
  connectionString: string;
  /** The process's pool, for the worker's own statements; the caller ends it. */
  pool: pg.Pool;
  versions: FlowVersionCache;
  guard: UpstreamGuard;
  config: WorkerConfig;
  logger: Logger;
  role: 'all' | 'worker';
  clock?: Clock;
  /**
   * The vault's keys and the credential types: nodes resolve credentials at call time; pooled
   * connections (OAuth 2 token sources) open through `fetch`, the process's egress-guarded fetch.
   */
  credentials?: { keyRing: KeyRing; types: CredentialTypeRegistry; fetch: typeof fetch };
  /** Called if the queue runner stops on its own (it lost the database for good). */
  onFatal?: (error: unknown) => void;
  /** Told when an awaited run (a sync webhook's) finishes here. */
  completions?: RunCompletionSink;
  /** Prunes run history on this schedule (one process at a time); unset: this process never prunes. */
  retention?: RetentionConfig;
  /**
   * Compacts old minute rollups into hour rows on this schedule (one process at a time;
   * stats/stats-compactor.ts); unset: this process never compacts.
   */
  statsCompaction?: StatsCompactionConfig;
  /** Starts the error flows of failed runs (the `error_flow` jobs; runs/error-flow.ts). */
  intake: Pick<RunIntake, 'start'>;
  /** PATCHBAY_PUBLIC_URL: an error flow's input links to the failed run's page under it. */
  publicUrl?: URL | undefined;
  /** Spans of runs and steps (observability/run-tracer.ts); default none. */
  tracer?: RunTracer;
};

export async function startWorkerProcess(options: StartWorkerOptions): Promise<WorkerProcess> {
  const { config, pool } = options;
  const logger = options.logger.child({ component: 'worker' });
  const id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const sandbox = new Sandbox({
    tasks: { jsonata: JSONATA_TASK },
    // Started by the first expression that leaves the fast path, then kept: most flows never
    // need one, and an idle one holds ~25 MB. That first expression waits 0.25–0.35 s for it.
    minProcesses: 0,
    maxProcesses: config.sandboxProcesses,
    memoryMb: config.sandboxMemoryMb,
    onProcessError: (error) =>
      logger.warn({ err: error }, 'A sandbox process stopped unexpectedly'),
  });
  const expressions = createSandboxedExpressionEvaluator(sandbox);
  const credentials = options.credentials
    ? new WorkerCredentialAccess({
        pool,
        keyRing: options.credentials.keyRing,
        types: options.credentials.types,
        fetch: options.credentials.fetch,
        clock: options.clock ?? systemClock,
        logger,
      })
    : undefined;
  const runs = new RunWorker({
    pool,
    versions: options.versions,
    logger,
    workerId: id,
    leaseMs: config.leaseMs,
    concurrency: config.concurrency,
    inlineWaitMaxMs: config.inlineWaitMaxMs,
    maxRunExecutions: config.maxRunExecutions,
    expressions,
    maxStepOutputBytes: config.maxStepOutputBytes,
    guard: options.guard,
    ...(options.clock ? { clock: options.clock } : {}),
    completions: options.completions,
    ...(credentials ? { credentials } : {}),
    ...(options.tracer ? { tracer: options.tracer } : {}),
  });
  const errorFlows = new ErrorFlowStarter({
    pool,
    intake: options.intake,
    publicUrl: options.publicUrl,
    logger,
  });
  const heartbeat = new LeaseHeartbeat({
    pool,
    identity: {
      id,
      role: options.role,
      pid: process.pid,
      hostname: hostname(),
      concurrency: config.concurrency,
    },
    worker: runs,
    leaseMs: config.leaseMs,
    logger,
  });
  const sweeper = new LeaseSweeper({ pool, workerId: id, leaseMs: config.leaseMs, logger });
  const pruner = options.retention
    ? new RetentionPruner({
        pool,
        config: options.retention,
        workerId: id,
        logger,
        ...(options.clock ? { clock: options.clock } : {}),
      })
    : undefined;
  const compactor = options.statsCompaction
    ? new StatsCompactor({ pool, config: options.statsCompaction, logger })
    : undefined;
  const cancels = new CancelListener({
    connectionString: options.connectionString,
    onCancel: (runId) => {
      if (runs.stop(runId, 'cancel')) logger.info({ runId }, 'Cancelling run on request');
    },
    ...(credentials
      ? { onCredentialChanged: (credentialId: string) => credentials.invalidate(credentialId) }
      : {}),
    logger,
  });

  await heartbeat.beat(); // registered before the first job is taken
  await cancels.start();
  const events: WorkerEvents = new EventEmitter();
  events.on('pool:create', ({ workerPool }) => {
    heartbeat.queueWorkerId = workerPool.id;
  });
  let runner: Runner;
  try {
    runner = await run({
      connectionString: queueConnectionString(options.connectionString),
      maxPoolSize: queuePoolSize(config.concurrency),
      concurrency: config.concurrency,
      pollInterval: config.pollIntervalMs,
      noHandleSignals: true,
      // The grace period is ours (stop below); graphile-worker's abort signal is not used.
      gracefulShutdownAbortTimeout: config.shutdownGraceMs + 60_000,
      logger: graphileLogger(logger),
      events,
      parsedCronItems: [],
      taskList: {
        [RUN_TASK]: (payload) => runs.handle(payload),
        [ERROR_FLOW_TASK]: (payload) => errorFlows.handle(payload),
      },
      preset: {
        worker: {
          ...(config.localQueueSize > 1 ? { localQueue: { size: config.localQueueSize } } : {}),
          // Completions are batched over a few milliseconds: far fewer statements under load.
          // A crash in that window leaves a job that runs again later, a no-op for its run.
          completeJobBatchDelay: 5,
          failJobBatchDelay: 5,
        },
      },
    });
  } catch (error) {
    await cancels.stop();
    await sandbox.close();
    await credentials?.close();
    await pool.query('DELETE FROM workers WHERE id = $1', [id]).catch(() => undefined);
    throw error;
  }
  runner.promise.catch((error: unknown) => {
    logger.fatal({ err: error }, 'The job queue runner stopped');
    options.onFatal?.(error);
  });
  await heartbeat.beat(); // now with the queue pool id, so a crash releases its locked jobs
  heartbeat.start();
  sweeper.start();
  pruner?.start();
  compactor?.start();
  logger.info(
    { workerId: id, concurrency: config.concurrency, leaseMs: config.leaseMs },
    'Worker is taking runs',
  );

  let stopping: Promise<void> | undefined;
  return {
    id,
    runs,
    expressions,
    sweep: () => sweeper.sweep(),
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        const graceMs = stopOptions.graceMs ?? config.shutdownGraceMs;
        sweeper.stop();
        const prunerStopped = pruner?.stop();
        const compactorStopped = compactor?.stop();
        runs.stopInline();
        // Stops fetching at once; resolves when every job handler returned.
        const runnerStopped = runner.stop();
        if (runs.activeRuns > 0) {
          logger.info({ runs: runs.activeRuns }, 'Waiting for in-flight runs to finish');
          if (!(await settlesWithin(runs.idle(), graceMs))) {
            logger.warn({ runs: runs.activeRuns }, 'Handing unfinished runs back to the queue');
            runs.stopAll('shutdown');
          }
        }
        await runnerStopped;
        await prunerStopped;
        await compactorStopped;
        heartbeat.stop();
        await cancels.stop();
        await sandbox.close();
        await credentials?.close();
        await pool.query('DELETE FROM workers WHERE id = $1', [id]);
        logger.info({ workerId: id }, 'Worker stopped');
      })();
      return stopping;
    },
  };
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
