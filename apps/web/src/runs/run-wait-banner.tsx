/** Under a live run's header: why it is not moving (a step waits, it is suspended, or cancelling). */
import type { RunDetail, StepRun } from '../api/types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { formatTimeOfDay } from '../ui/format.ts';
import { ClockIcon } from '../ui/icons.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { useNow } from '../ui/use-now.ts';
import { WaitNote } from './wait-note.tsx';

export function RunWaitBanner({
  run,
  waiting,
  onSelectNode,
}: {
  run: RunDetail;
  /** Waiting steps, the one due first first. */
  waiting: readonly StepRun[];
  onSelectNode: (nodeId: string) => void;
}) {
  const now = useNow(1_000);
  if (run.cancelRequestedAt) {
    return (
      <div className="run-banner" data-testid="run-cancelling">
        <span className="spinner" aria-hidden="true" />
        Cancelling: the worker running it is stopping the run.
      </div>
    );
  }
  const first = waiting[0];
  if (first) {
    return (
      <div className="run-banner run-banner--waiting" data-testid="run-waiting">
        <StatusBadge status="waiting" compact />
        <WaitNote step={first} showNode />
        <button type="button" className="link-button" onClick={() => onSelectNode(first.nodeId)}>
          Show step
        </button>
        {waiting.length > 1 && (
          <span className="muted small">
            +{waiting.length - 1} more {waiting.length === 2 ? 'step' : 'steps'} waiting
          </span>
        )}
      </div>
    );
  }
  if (run.wakeAt && Date.parse(run.wakeAt) > now) {
    return (
      <div className="run-banner run-banner--waiting" data-testid="run-suspended">
        <StatusBadge status="waiting" compact />
        <span className="wait-note">
          <ClockIcon size={13} className="wait-note__icon" />
          <span className="wait-note__reason">Suspended</span>
          <span className="wait-note__sep">·</span>
          <Countdown until={run.wakeAt} prefix="resumes in " elapsed="resuming" />
          <span className="wait-note__at">at {formatTimeOfDay(run.wakeAt)}</span>
        </span>
      </div>
    );
  }
  return null;
}
