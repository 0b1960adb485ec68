/** A StepRun for unit tests: every field empty except those the test names. */
import type { StepRun } from '../api/types.ts';

export function stepRun(partial: Partial<StepRun> & Pick<StepRun, 'nodeId' | 'status'>): StepRun {
  return {
    id: `${partial.nodeId}-${partial.attempt ?? 1}`,
    nodeType: 'http.request',
    attempt: 1,
    input: null,
    inputTruncated: false,
    output: null,
    outputTruncated: false,
    port: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    skipReason: null,
    retryDelayMs: null,
    nextAttemptAt: null,
    waitReason: null,
    reusedFromRunId: null,
    seq: 1,
    ...partial,
  };
}
