/** Run and step statuses as stored in the `status` text columns. */
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

export const RUN_TRIGGER = { manual: 'manual', api: 'api' } as const;
export type RunTrigger = (typeof RUN_TRIGGER)[keyof typeof RUN_TRIGGER];
export const RUN_TRIGGERS = Object.values(RUN_TRIGGER) as [RunTrigger, ...RunTrigger[]];

export function parseRunStatus(value: string): RunStatus {
  if ((RUN_STATUSES as readonly string[]).includes(value)) return value as RunStatus;
  throw new Error(`Unknown run status "${value}" in the database`);
}

export function parseStepStatus(value: string): StepStatus {
  if (Object.hasOwn(STEP_STATUS, value)) return value as StepStatus;
  throw new Error(`Unknown step status "${value}" in the database`);
}

export function parseRunTrigger(value: string): RunTrigger {
  if (Object.hasOwn(RUN_TRIGGER, value)) return value as RunTrigger;
  throw new Error(`Unknown run trigger "${value}" in the database`);
}
