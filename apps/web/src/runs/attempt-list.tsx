/** A node's attempts: a compact strip of status dots, and the full list with errors and delays. */
import type { StepRun } from '../api/types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { formatDuration } from '../ui/format.ts';
import { ClockIcon, RetryIcon } from '../ui/icons.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import type { NodeSteps } from './step-grouping.ts';
import { describeRetryDelay, waitReasonLabel } from './step-wait.ts';

const MAX_DOTS = 5;

function AttemptNote({ attempt }: { attempt: StepRun }) {
  if (attempt.status === 'waiting') {
    return (
      <span className="attempt__note attempt__note--waiting">
        <ClockIcon size={11} /> {waitReasonLabel(attempt.waitReason)}
        {attempt.nextAttemptAt && (
          <>
            {' · '}
            <Countdown until={attempt.nextAttemptAt} elapsed="due" />
          </>
        )}
      </span>
    );
  }
  const delay = describeRetryDelay(attempt);
  if (!delay) return null;
  return (
    <span className="attempt__note" data-testid="attempt-retry-delay">
      <RetryIcon size={11} /> {delay}
    </span>
  );
}

export function AttemptList({
  group,
  shownIndex,
  onShow,
}: {
  group: NodeSteps;
  shownIndex: number;
  onShow: (index: number) => void;
}) {
  return (
    <ol className="attempts" aria-label="Attempts" data-testid={`attempts-${group.nodeId}`}>
      {group.attempts.map((attempt, index) => (
        <li key={attempt.id}>
          <button
            type="button"
            className={`attempt${index === shownIndex ? ' is-selected' : ''}`}
            aria-pressed={index === shownIndex}
            data-testid={`attempt-${group.nodeId}-${attempt.attempt}`}
            data-status={attempt.status}
            onClick={() => onShow(index)}
          >
            <span className="attempt__line">
              <span className="attempt__no">Attempt {attempt.attempt}</span>
              <span className="attempt__seq mono" title="Step number in the run">
                #{attempt.seq}
              </span>
              <StatusBadge status={attempt.status} compact />
              <span className="attempt__duration mono">{formatDuration(attempt.durationMs)}</span>
              <AttemptNote attempt={attempt} />
            </span>
            {attempt.error && (
              <span className="attempt__error" title={attempt.error.message}>
                <code>{attempt.error.code}</code> {attempt.error.message}
              </span>
            )}
          </button>
        </li>
      ))}
    </ol>
  );
}

export function AttemptDots({ attempts }: { attempts: readonly StepRun[] }) {
  const shown = attempts.slice(-MAX_DOTS);
  const hidden = attempts.length - shown.length;
  return (
    <span className="attempt-dots" title={`${attempts.length} attempts`}>
      {hidden > 0 && <span className="attempt-dots__more">+{hidden}</span>}
      {shown.map((a) => (
        <span key={a.id} className={`dot dot--${a.status}`} />
      ))}
    </span>
  );
}
