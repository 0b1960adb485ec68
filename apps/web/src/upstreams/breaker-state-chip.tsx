/** A breaker's state as a coloured pill: closed (green), half-open (amber), open (red). */
import type { BreakerState } from '../api/types.ts';
import { BREAKER_STATE_HINTS, BREAKER_STATE_LABELS } from './upstream-format.ts';

export function BreakerStateChip({
  state,
  compact = false,
  testId = 'breaker-state',
}: {
  state: BreakerState;
  compact?: boolean;
  testId?: string;
}) {
  return (
    <span
      className={`status-badge breaker-badge breaker-badge--${state}${compact ? ' status-badge--compact' : ''}`}
      data-testid={testId}
      data-state={state}
      title={BREAKER_STATE_HINTS[state]}
    >
      <span className="status-badge__dot" aria-hidden="true" />
      {BREAKER_STATE_LABELS[state]}
    </span>
  );
}
