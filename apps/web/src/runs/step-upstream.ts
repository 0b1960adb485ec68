/** Which upstream target a step's failure concerns, read from its error's details. */
import type { SerializedError, StepRun } from '../api/types.ts';

export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';

/** The target an error names in `details.target` (circuit open, rate limited), or null. */
export function upstreamTargetOf(error: SerializedError | null | undefined): string | null {
  const target = error?.details?.target;
  return typeof target === 'string' && target.trim().length > 0 ? target : null;
}

/** Distinct targets named by a node's attempts, the most recent attempt's first. */
export function upstreamTargetsOf(attempts: readonly StepRun[]): string[] {
  const targets: string[] = [];
  for (const attempt of [...attempts].reverse()) {
    const target = upstreamTargetOf(attempt.error);
    if (target && !targets.includes(target)) targets.push(target);
  }
  return targets;
}
