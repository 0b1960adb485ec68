/** Run and step status pills. Colours come from the `--status-*` tokens. */
import type { RunStatus, StepStatus } from '../api/types.ts';

export type AnyStatus = RunStatus | StepStatus | 'pending';

const LABELS: Record<AnyStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  waiting: 'Waiting',
  pending: 'Not run',
};

export function StatusBadge({
  status,
  testId,
  compact = false,
}: {
  status: AnyStatus;
  testId?: string;
  compact?: boolean;
}) {
  return (
    <span
      className={`status-badge status-badge--${status}${compact ? ' status-badge--compact' : ''}`}
      data-testid={testId}
      data-status={status}
    >
      <span className="status-badge__dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}

export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Not finished yet (queued, running or waiting), so still worth polling. */
export function isActiveRun(status: RunStatus | undefined): boolean {
  return status !== undefined && !FINAL_RUN_STATUSES.includes(status);
}
