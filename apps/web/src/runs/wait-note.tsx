/** Why a waiting step waits and when its next attempt is due, counting down. */
import type { StepRun } from '../api/types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { formatTimeOfDay } from '../ui/format.ts';
import { ClockIcon } from '../ui/icons.tsx';
import { WAIT_REASON_HINTS, waitReasonLabel } from './step-wait.ts';

export function WaitNote({
  step,
  testId,
  showNode = false,
}: {
  step: Pick<StepRun, 'nodeId' | 'waitReason' | 'nextAttemptAt'>;
  testId?: string;
  showNode?: boolean;
}) {
  return (
    <div
      className="wait-note"
      data-testid={testId}
      data-reason={step.waitReason ?? undefined}
      title={step.waitReason ? WAIT_REASON_HINTS[step.waitReason] : undefined}
    >
      <ClockIcon size={13} className="wait-note__icon" />
      <span className="wait-note__reason">{waitReasonLabel(step.waitReason)}</span>
      {showNode && (
        <span className="wait-note__node">
          on <code>{step.nodeId}</code>
        </span>
      )}
      <span className="wait-note__sep">·</span>
      {step.nextAttemptAt ? (
        <>
          <Countdown
            until={step.nextAttemptAt}
            prefix="next attempt in "
            elapsed="next attempt due now"
            testId="next-attempt"
          />
          <span className="wait-note__at">at {formatTimeOfDay(step.nextAttemptAt)}</span>
        </>
      ) : (
        <span>until the run is resumed</span>
      )}
    </div>
  );
}
