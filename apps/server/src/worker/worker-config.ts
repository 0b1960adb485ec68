/** Worker settings from the environment (see the configuration table in README.md). */
import { DEFAULT_INLINE_WAIT_MAX_MS } from '@patchbay/engine';
import { DEFAULT_SANDBOX_MEMORY_MB, DEFAULT_SANDBOX_PROCESSES } from '@patchbay/sandbox';
import { positiveInt } from '../env-number.ts';

export type WorkerConfig = {
  /** Runs executed at once by this process. */
  concurrency: number;
  /** How long a claimed run stays owned without a heartbeat; a dead worker's runs resume after it. */
  leaseMs: number;
  /** Polling for jobs scheduled in the future (wake-ups, per-flow slot retries). */
  pollIntervalMs: number;
  /** Jobs fetched (and locked) ahead per batch; 0 or 1 turns batching off. */
  localQueueSize: number;
  /** Waits up to this long are slept on the worker; longer ones suspend the run. */
  inlineWaitMaxMs: number;
  /** On shutdown, in-flight runs get this long to finish before they are handed back. */
  shutdownGraceMs: number;
  /**
   * A run is executed at most this many times when its executions keep being interrupted (the
   * worker died or lost its lease); the next claim fails it with POISON_RUN.
   */
  maxRunExecutions: number;
  /** Sandbox processes for expressions that leave the fast path (started when first needed). */
  sandboxProcesses: number;
  /** Heap limit of each sandbox process, in MB. */
  sandboxMemoryMb: number;
  /** A step output larger than this (as stored JSON) fails the step with OUTPUT_TOO_LARGE. */
  maxStepOutputBytes: number;
};

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_WORKER_CONCURRENCY = 100;
export const DEFAULT_MAX_RUN_EXECUTIONS = 3;
export const DEFAULT_MAX_STEP_OUTPUT_BYTES = 8 * 1024 * 1024;

export function workerConfigFromEnv(env: NodeJS.ProcessEnv): WorkerConfig {
  const concurrency = positiveInt(env, 'PATCHBAY_WORKER_CONCURRENCY', DEFAULT_WORKER_CONCURRENCY);
  return {
    concurrency,
    leaseMs: positiveInt(env, 'PATCHBAY_LEASE_MS', DEFAULT_LEASE_MS, 500),
    pollIntervalMs: positiveInt(env, 'PATCHBAY_WORKER_POLL_MS', 1_000),
    localQueueSize: positiveInt(env, 'PATCHBAY_WORKER_PREFETCH', concurrency, 0),
    inlineWaitMaxMs: positiveInt(env, 'PATCHBAY_INLINE_WAIT_MAX_MS', DEFAULT_INLINE_WAIT_MAX_MS, 0),
    shutdownGraceMs: positiveInt(env, 'PATCHBAY_SHUTDOWN_GRACE_MS', 25_000, 0),
    maxRunExecutions: positiveInt(env, 'PATCHBAY_MAX_RUN_EXECUTIONS', DEFAULT_MAX_RUN_EXECUTIONS),
    sandboxProcesses: positiveInt(env, 'PATCHBAY_SANDBOX_PROCESSES', DEFAULT_SANDBOX_PROCESSES),
    sandboxMemoryMb: positiveInt(env, 'PATCHBAY_SANDBOX_MEMORY_MB', DEFAULT_SANDBOX_MEMORY_MB, 16),
    maxStepOutputBytes: positiveInt(
      env,
      'PATCHBAY_MAX_STEP_OUTPUT_BYTES',
      DEFAULT_MAX_STEP_OUTPUT_BYTES,
    ),
  };
}
