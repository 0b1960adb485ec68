/**
 * Admission control for new runs: execute at once in this process, queue, or refuse. Pure: the
 * caller supplies the queue's load and whether an execution slot is free here (the limits come
 * from the environment: shedLimitsFromEnv).
 *
 * - A flow with its own cap (`settings.maxQueuedRuns`) refuses new runs with 429 while that many
 *   of its runs wait.
 * - A run that finds a free execution slot in the process that accepted it runs at once.
 * - Otherwise it joins the queue, unless the queue is past the server's limits (runs waiting, or
 *   the age of the oldest): then it is refused with 503. Accepting more would only make every
 *   caller wait longer, unseen.
 */
import { positiveInt } from '../env-number.ts';
import type { QueueLoadSnapshot } from './queue-load.ts';

export type ShedLimits = {
  /** PATCHBAY_MAX_QUEUED_RUNS: runs waiting for a worker, every flow together. */
  maxQueuedRuns: number;
  /** PATCHBAY_MAX_QUEUE_WAIT_MS: how long the oldest waiting run may have waited. */
  maxQueueWaitMs: number;
};

export const DEFAULT_SHED_LIMITS: ShedLimits = { maxQueuedRuns: 10_000, maxQueueWaitMs: 5_000 };

export function shedLimitsFromEnv(env: NodeJS.ProcessEnv): ShedLimits {
  return {
    maxQueuedRuns: positiveInt(env, 'PATCHBAY_MAX_QUEUED_RUNS', DEFAULT_SHED_LIMITS.maxQueuedRuns),
    maxQueueWaitMs: positiveInt(
      env,
      'PATCHBAY_MAX_QUEUE_WAIT_MS',
      DEFAULT_SHED_LIMITS.maxQueueWaitMs,
      100,
    ),
  };
}

export type Admission =
  | { kind: 'inline' }
  | { kind: 'queue' }
  | {
      kind: 'refuse';
      scope: 'flow' | 'server';
      reason: 'flow-queue-full' | 'queue-full' | 'queue-too-slow';
      retryAfterSeconds: number;
    };

export type AdmissionRequest = {
  flowId: string;
  /** The flow's own cap on waiting runs. */
  flowMaxQueuedRuns: number | undefined;
  /** A slot of this process could execute the run now. */
  slotFree: boolean;
};

const MAX_RETRY_AFTER_SECONDS = 60;

export function admit(
  request: AdmissionRequest,
  load: QueueLoadSnapshot,
  limits: ShedLimits,
): Admission {
  const flow = load.byFlow.get(request.flowId);
  if (request.flowMaxQueuedRuns !== undefined && (flow?.queued ?? 0) >= request.flowMaxQueuedRuns) {
    return {
      kind: 'refuse',
      scope: 'flow',
      reason: 'flow-queue-full',
      retryAfterSeconds: retryAfter(flow?.oldestWaitMs ?? 0),
    };
  }
  if (request.slotFree) return { kind: 'inline' };
  const shedding = sheddingReason(load, limits);
  if (shedding) {
    return {
      kind: 'refuse',
      scope: 'server',
      reason: shedding,
      retryAfterSeconds: retryAfter(load.oldestWaitMs),
    };
  }
  return { kind: 'queue' };
}

/** Why new runs that would queue are refused now; undefined while they are accepted. */
export function sheddingReason(
  load: QueueLoadSnapshot,
  limits: ShedLimits,
): 'queue-full' | 'queue-too-slow' | undefined {
  if (load.queuedRuns >= limits.maxQueuedRuns) return 'queue-full';
  if (load.oldestWaitMs >= limits.maxQueueWaitMs) return 'queue-too-slow';
  return undefined;
}

/** About as long as the oldest waiting run has waited: the queue's lag, at least a second. */
function retryAfter(oldestWaitMs: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(oldestWaitMs / 1000)));
}
