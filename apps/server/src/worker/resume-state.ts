/**
 * What a resumed run already did, from its persisted step rows: the engine's ResumeState. Pure;
 * the worker reads the rows (run-store.ts) and hands the result to executeFlow.
 */
import type { ResumeState, StepWaitReason, WaitingNode } from '@patchbay/engine';
import { parseWaitReason, STEP_STATUS } from '../runs/run-status.ts';

export type PersistedStep = {
  nodeId: string;
  attempt: number;
  status: string;
  output: unknown;
  port: string | null;
  waitReason: string | null;
  nextAttemptAt: Date | null;
  waitingSince: Date | null;
  seq: number;
};

export function resumeStateOf(steps: readonly PersistedStep[]): ResumeState {
  const completed: Record<string, { attempt: number; output: unknown; port: string | null }> =
    Object.create(null);
  const attempts: Record<string, number> = Object.create(null);
  const waitingSince: Record<string, Date> = Object.create(null);
  const waiting: WaitingNode[] = [];

  for (const step of steps) {
    if (step.status === STEP_STATUS.succeeded) {
      const done = completed[step.nodeId];
      if (!done || done.attempt < step.attempt) {
        completed[step.nodeId] = { attempt: step.attempt, output: step.output, port: step.port };
      }
    }
    if (step.status === STEP_STATUS.waiting) {
      if (step.waitingSince) waitingSince[step.nodeId] = step.waitingSince;
      if (step.nextAttemptAt) {
        waiting.push({
          nodeId: step.nodeId,
          nextAttempt: step.attempt,
          resumeAt: step.nextAttemptAt,
          reason: waitReasonOf(step.waitReason),
        });
      }
      continue;
    }
    // Succeeded, failed, or still `running` (lost with the worker that ran it): attempted.
    if (step.status !== STEP_STATUS.skipped) {
      attempts[step.nodeId] = Math.max(attempts[step.nodeId] ?? 0, step.attempt);
    }
  }

  const reused: Record<string, { output: unknown; port: string | null }> = Object.create(null);
  for (const [nodeId, done] of Object.entries(completed)) {
    reused[nodeId] = { output: done.output, port: done.port };
  }
  return {
    completed: reused,
    attempts,
    waitingSince,
    waiting: waiting.filter((node) => !Object.hasOwn(reused, node.nodeId)),
  };
}

function waitReasonOf(value: string | null): StepWaitReason {
  return value === null ? 'retry' : parseWaitReason(value);
}
