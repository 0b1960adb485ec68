/** Whether Patchbay sheds load now, and why: for /healthz and `system.status` (the UI's banner). */
import type { QueueLoad } from './queue-load.ts';
import { type ShedLimits, sheddingReason } from './run-admission.ts';

export type LoadStatus = {
  /** New runs that would have to queue are refused (503) now. */
  shedding: boolean;
  reason: 'queue-full' | 'queue-too-slow' | null;
  /** Runs waiting for a worker, every flow. */
  queuedRuns: number;
  /** How long the oldest of them has waited, in ms. */
  oldestWaitMs: number;
  limits: ShedLimits;
};

export function loadStatus(load: QueueLoad, limits: ShedLimits): LoadStatus {
  const snapshot = load.snapshot();
  const reason = sheddingReason(snapshot, limits) ?? null;
  return {
    shedding: reason !== null,
    reason,
    queuedRuns: snapshot.queuedRuns,
    oldestWaitMs: Math.round(snapshot.oldestWaitMs),
    limits,
  };
}
