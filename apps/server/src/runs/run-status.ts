/** Run and step statuses as stored in the `status` text columns. */
import { RUN_TRIGGER_KINDS, type RunTriggerKind, type StepWaitReason } from '@patchbay/engine';

export const RUN_STATUS = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type RunStatus = (typeof RUN_STATUS)[keyof typeof RUN_STATUS];
export const RUN_STATUSES = Object.values(RUN_STATUS) as [RunStatus, ...RunStatus[]];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const STEP_STATUS = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  skipped: 'skipped',
  /** Not started yet: waits for a retry delay, a rate-limit token or an open breaker. */
  waiting: 'waiting',
} as const;
export type StepStatus = (typeof STEP_STATUS)[keyof typeof STEP_STATUS];

/** How a run was started: the engine's RUN_TRIGGER_KINDS, enforced by runs_trigger_check. */
export type RunTrigger = RunTriggerKind;
export const RUN_TRIGGERS = RUN_TRIGGER_KINDS;
export const RUN_TRIGGER = {
  manual: 'manual',
  api: 'api',
  webhook: 'webhook',
  schedule: 'schedule',
  error: 'error',
} as const satisfies Record<RunTrigger, RunTrigger>;
/** What a caller of flows.run may say: runs by hand or by API. Triggers start the others. */
export const CALLER_RUN_TRIGGERS = ['manual', 'api'] as const satisfies readonly RunTrigger[];
/**
 * Started by a trigger of an active flow: refused once the flow is switched off. An error flow's
 * run (`error`) is not: like a manual run, it needs no trigger of the flow to be switched on.
 */
export function needsActiveFlow(trigger: RunTrigger): boolean {
  return !(ANY_STATE_TRIGGERS as readonly string[]).includes(trigger);
}
/** Runs these start whether or not their flow is switched on (run-intake's INSERT_RUNS too). */
export const ANY_STATE_TRIGGERS = [
  'manual',
  'api',
  'error',
] as const satisfies readonly RunTrigger[];

/** Where a retry of a failed run starts: at the failed step (reusing earlier outputs) or afresh. */
export const RETRY_MODE = { failedStep: 'failed_step', start: 'start' } as const;
export type RetryMode = (typeof RETRY_MODE)[keyof typeof RETRY_MODE];
export const RETRY_MODES = Object.values(RETRY_MODE) as [RetryMode, ...RetryMode[]];

const WAIT_REASONS: readonly StepWaitReason[] = [
  'retry',
  'rate_limited',
  'throttled',
  'circuit_open',
];

export function parseRunStatus(value: string): RunStatus {
  if ((RUN_STATUSES as readonly string[]).includes(value)) return value as RunStatus;
  throw new Error(`Unknown run status "${value}" in the database`);
}

export function parseStepStatus(value: string): StepStatus {
  if (Object.hasOwn(STEP_STATUS, value)) return value as StepStatus;
  throw new Error(`Unknown step status "${value}" in the database`);
}

export function parseRetryMode(value: string): RetryMode {
  if ((RETRY_MODES as readonly string[]).includes(value)) return value as RetryMode;
  throw new Error(`Unknown retry mode "${value}" in the database`);
}

export function parseWaitReason(value: string): StepWaitReason {
  if ((WAIT_REASONS as readonly string[]).includes(value)) return value as StepWaitReason;
  throw new Error(`Unknown wait reason "${value}" in the database`);
}

export function parseRunTrigger(value: string): RunTrigger {
  if ((RUN_TRIGGERS as readonly string[]).includes(value)) return value as RunTrigger;
  throw new Error(`Unknown run trigger "${value}" in the database`);
}
