/** Events the executor emits; the server persists them as StepRun rows. */
import type { SerializedError } from './errors.ts';

type StepEventBase = { nodeId: string; nodeType: string; at: Date };

export type StepEvent =
  | (StepEventBase & { type: 'step.started'; attempt: number; input: unknown })
  | (StepEventBase & {
      type: 'step.succeeded';
      attempt: number;
      input: unknown;
      output: unknown;
      port: string | null;
      startedAt: Date;
      durationMs: number;
    })
  | (StepEventBase & {
      type: 'step.failed';
      attempt: number;
      input: unknown;
      error: SerializedError;
      startedAt: Date;
      durationMs: number;
      /** Present when another attempt follows: the delay chosen and when it runs. */
      retry?: StepRetry;
    })
  /**
   * The attempt waits for a rate-limit token, a cooling-down target or a retry delay, and does not
   * hold a worker slot while the run is suspended. A retry's next attempt waits before its
   * step.started. A rate-limit wait is found at the upstream call, after the attempt's
   * step.started: the call was not made, and the same attempt number runs again after the wait.
   */
  | (StepEventBase & {
      type: 'step.waiting';
      attempt: number;
      until: Date;
      reason: StepWaitReason;
    })
  | (StepEventBase & { type: 'step.skipped'; reason: string });

export type StepWaitReason = 'retry' | 'rate_limited' | 'throttled' | 'circuit_open';

export type StepRetry = {
  delayMs: number;
  nextAttemptAt: Date;
  nextAttempt: number;
  /** What the next attempt waits for: a plain backoff, an open breaker or a throttling upstream. */
  reason: StepWaitReason;
};

/**
 * Receives step events. The executor awaits each call, so a step's outcome is persisted
 * before any step that depends on it starts.
 */
export type StepEventSink = (event: StepEvent) => Promise<void>;
