/** Every upstream target's circuit breaker, most urgent first, with a reset action per row. */
import type { BreakerView } from '../api/types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { ResetIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { BreakerStateChip } from './breaker-state-chip.tsx';
import { formatPercent, windowFailureRate } from './upstream-format.ts';

function FailureRate({ breaker }: { breaker: BreakerView }) {
  const rate = windowFailureRate(breaker);
  if (rate === null) return <span className="muted">No calls</span>;
  const threshold = breaker.policy?.failureRateThreshold;
  const over = threshold !== undefined && rate >= threshold;
  return (
    <span className={over ? 'text-danger' : undefined}>
      {formatPercent(rate)}{' '}
      <span className="muted small">
        ({breaker.windowFailures} of {breaker.windowCalls})
      </span>
    </span>
  );
}

function OpenUntil({ breaker }: { breaker: BreakerView }) {
  if (breaker.state === 'half_open') {
    return <span className="muted">Probing{breaker.probesInFlight > 0 ? '…' : ''}</span>;
  }
  if (breaker.state === 'open' && breaker.openUntil) {
    return <Countdown until={breaker.openUntil} elapsed="Cooling down ends" />;
  }
  return <span className="muted">—</span>;
}

export function BreakerTable({
  breakers,
  onOpen,
  onReset,
}: {
  breakers: readonly BreakerView[];
  onOpen: (target: string) => void;
  /** Omitted when the signed-in role may not reset breakers. */
  onReset?: ((target: string) => void) | undefined;
}) {
  return (
    <table
      className="table table--clickable upstream-table breaker-table"
      data-testid="breaker-table"
    >
      <colgroup>
        <col />
        <col className="breaker-table__state" />
        <col className="breaker-table__failures" />
        <col className="breaker-table__rate" />
        <col className="breaker-table__until" />
        <col className="breaker-table__error" />
        <col className="breaker-table__actions" />
      </colgroup>
      <thead>
        <tr>
          <th>Target</th>
          <th>State</th>
          <th className="num" title="Consecutive failures / the number that opens the breaker">
            Failures in a row
          </th>
          <th className="num">Failure rate</th>
          <th>Open until</th>
          <th>Last error</th>
          <th className="actions-col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {breakers.map((breaker) => (
          <tr
            key={breaker.target}
            data-testid={`breaker-row-${breaker.target}`}
            data-state={breaker.state}
            className={`upstream-row upstream-row--${breaker.state}`}
            onClick={() => onOpen(breaker.target)}
          >
            <td className="target-col">
              <button
                type="button"
                className="target-link mono"
                title={breaker.target}
                onClick={(e) => {
                  e.stopPropagation();
                  onOpen(breaker.target);
                }}
              >
                {breaker.target}
              </button>
            </td>
            <td>
              <BreakerStateChip state={breaker.state} />
            </td>
            <td className="num">
              <span
                className={
                  breaker.state === 'open'
                    ? 'text-danger'
                    : breaker.consecutiveFailures > 0
                      ? undefined
                      : 'muted'
                }
              >
                {breaker.consecutiveFailures}
              </span>
              {breaker.policy && (
                <span className="muted small"> / {breaker.policy.consecutiveFailures}</span>
              )}
            </td>
            <td className="num">
              <FailureRate breaker={breaker} />
            </td>
            <td className="small">
              <OpenUntil breaker={breaker} />
            </td>
            <td className="error-col">
              {breaker.lastError ? (
                <>
                  <span className="error-summary" title={breaker.lastError.message}>
                    <code>{breaker.lastError.code}</code> {breaker.lastError.message}
                  </span>
                  <span className="muted small">
                    <RelativeTime iso={breaker.lastFailureAt} />
                  </span>
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className="actions-col">
              {onReset && (
                <button
                  type="button"
                  className="btn btn--secondary btn--sm"
                  data-testid="reset-breaker"
                  title="Close the breaker now with fresh counters"
                  onClick={(e) => {
                    e.stopPropagation();
                    onReset(breaker.target);
                  }}
                >
                  <ResetIcon size={13} /> Reset
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
