/** Reading a step's waits and retries: why it waits, until when, and the delay a retry chose. */
import type { StepRun } from '../api/types.ts';
import { formatDuration } from '../ui/format.ts';
import type { NodeSteps } from './step-grouping.ts';

export type WaitReason = NonNullable<StepRun['waitReason']>;

export const WAIT_REASON_LABELS: Record<WaitReason, string> = {
  retry: 'Retry backoff',
  rate_limited: 'Rate limited',
  throttled: 'Throttled (429)',
  circuit_open: 'Circuit open',
};

export const WAIT_REASON_HINTS: Record<WaitReason, string> = {
  retry: 'The previous attempt failed; the next one runs once the retry delay has passed.',
  rate_limited: "The target's rate limit is used up; the call goes as soon as a token is free.",
  throttled: 'The target answered 429 Too Many Requests and asked every caller to wait.',
  circuit_open: "The target's circuit breaker is open; the call waits until it lets calls through.",
};

export function waitReasonLabel(reason: WaitReason | null): string {
  return reason ? WAIT_REASON_LABELS[reason] : 'Waiting';
}

/** The steps waiting right now, the one due first first; a wait without a time comes last. */
export function waitingSteps(groups: readonly NodeSteps[]): StepRun[] {
  return groups
    .map((g) => g.latest)
    .filter((step) => step.status === 'waiting')
    .sort((a, b) => dueAt(a) - dueAt(b));
}

function dueAt(step: StepRun): number {
  return step.nextAttemptAt ? Date.parse(step.nextAttemptAt) : Number.POSITIVE_INFINITY;
}

/** The delay a failed attempt's retry chose ("Retry after 1.20 s"); null when none follows. */
export function describeRetryDelay(step: Pick<StepRun, 'retryDelayMs'>): string | null {
  if (step.retryDelayMs === null) return null;
  return step.retryDelayMs === 0
    ? 'Retry at once'
    : `Retry after ${formatDuration(step.retryDelayMs)}`;
}
