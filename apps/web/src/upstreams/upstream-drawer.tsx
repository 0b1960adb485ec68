/** One upstream target in detail: its breaker, rate limit and the breaker's recent transitions. */
import { skipToken, useQuery } from '@tanstack/react-query';
import { errorCode, errorMessage } from '../api/api-error.ts';
import type { BreakerDetail, RateLimitView } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { Countdown } from '../ui/countdown.tsx';
import { Drawer } from '../ui/drawer.tsx';
import { ResetIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { useNow } from '../ui/use-now.ts';
import { BreakerStateChip } from './breaker-state-chip.tsx';
import {
  describeBreakerPolicy,
  formatPercent,
  formatRate,
  isThrottled,
  windowFailureRate,
} from './upstream-format.ts';

const REFRESH_MS = 3_000;

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function BreakerSection({ breaker }: { breaker: BreakerDetail }) {
  const rate = windowFailureRate(breaker);
  return (
    <section className="drawer-section" data-testid="drawer-breaker">
      <h3 className="drawer-section__title">Circuit breaker</h3>
      <dl className="stat-grid">
        <Stat label="Consecutive failures">
          {breaker.consecutiveFailures}
          {breaker.policy && <span className="muted"> / {breaker.policy.consecutiveFailures}</span>}
        </Stat>
        <Stat label="Failure rate (window)">
          {rate === null ? (
            <span className="muted">No calls</span>
          ) : (
            <>
              {formatPercent(rate)}{' '}
              <span className="muted small">
                {breaker.windowFailures} of {breaker.windowCalls}
              </span>
            </>
          )}
        </Stat>
        <Stat label={breaker.state === 'open' ? 'Open until' : 'Probes in flight'}>
          {breaker.state === 'open' && breaker.openUntil ? (
            <Countdown until={breaker.openUntil} />
          ) : (
            breaker.probesInFlight
          )}
        </Stat>
        <Stat label="Opened">
          {breaker.openedAt ? <RelativeTime iso={breaker.openedAt} /> : '—'}
        </Stat>
        <Stat label="Last failure">
          <RelativeTime iso={breaker.lastFailureAt} />
        </Stat>
        <Stat label="Updated">
          <RelativeTime iso={breaker.updatedAt} />
        </Stat>
      </dl>
      {breaker.lastError && (
        <div className="step-error-message" data-testid="drawer-last-error">
          <code>{breaker.lastError.code}</code> {breaker.lastError.message}
        </div>
      )}
      <p className="drawer-note">
        {breaker.policy
          ? describeBreakerPolicy(breaker.policy)
          : 'No call has been counted since the last reset, so no policy is recorded yet.'}
      </p>
    </section>
  );
}

function RateLimitSection({ limit }: { limit: RateLimitView | undefined }) {
  const now = useNow(1_000);
  if (!limit) {
    return (
      <section className="drawer-section" data-testid="drawer-limit">
        <h3 className="drawer-section__title">Rate limit</h3>
        <p className="drawer-note">
          No rate limit for this target. One appears when a node with a rate-limit policy calls it,
          or when it answers 429 Too Many Requests.
        </p>
      </section>
    );
  }
  return (
    <section className="drawer-section" data-testid="drawer-limit">
      <h3 className="drawer-section__title">Rate limit</h3>
      <dl className="stat-grid">
        <Stat label="Limit">
          {limit.limit !== null && limit.periodMs !== null ? (
            formatRate(limit.limit, limit.periodMs)
          ) : (
            <span className="muted">Not configured</span>
          )}
        </Stat>
        <Stat label="Burst">{limit.burst ?? '—'}</Stat>
        <Stat label="Calls this period">{limit.usage.callsInPeriod}</Stat>
        <Stat label="Next call free">
          <Countdown until={limit.usage.nextTokenAt} elapsed="Now" />
        </Stat>
        <Stat label="Throttled until">
          {isThrottled(limit, now) && limit.throttledUntil ? (
            <Countdown until={limit.throttledUntil} />
          ) : (
            <span className="muted">Not throttled</span>
          )}
        </Stat>
      </dl>
    </section>
  );
}

function Transitions({ breaker }: { breaker: BreakerDetail }) {
  return (
    <section className="drawer-section">
      <h3 className="drawer-section__title">Recent transitions</h3>
      {breaker.transitions.length === 0 ? (
        <p className="drawer-note">
          None yet: the breaker has stayed closed since this target was first called.
        </p>
      ) : (
        <ol className="transitions" data-testid="breaker-transitions">
          {breaker.transitions.map((t) => (
            <li key={t.id} className="transition" data-testid="breaker-transition">
              <span className={`transition__dot transition__dot--${t.to}`} aria-hidden="true" />
              <div className="transition__body">
                <div className="transition__states">
                  <BreakerStateChip state={t.from} compact testId="transition-from" />
                  <span className="muted">→</span>
                  <BreakerStateChip state={t.to} compact testId="transition-to" />
                </div>
                <div className="transition__reason">{t.reason}</div>
              </div>
              <span className="transition__at">
                <RelativeTime iso={t.at} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function UpstreamDrawer({
  target,
  limit,
  onClose,
  onReset,
}: {
  target: string | null;
  limit: RateLimitView | undefined;
  onClose: () => void;
  /** Omitted when the signed-in role may not reset breakers. */
  onReset?: ((target: string) => void) | undefined;
}) {
  const trpc = useTRPC();
  const breaker = useQuery(
    trpc.breakers.get.queryOptions(target === null ? skipToken : { target }, {
      refetchInterval: REFRESH_MS,
      retry: false,
    }),
  );
  const noBreaker = breaker.isError && errorCode(breaker.error) === 'NOT_FOUND';

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      testId="upstream-drawer"
      title={<span className="mono">{target}</span>}
      subtitle={
        breaker.data ? (
          <BreakerStateChip state={breaker.data.state} />
        ) : noBreaker ? (
          <span className="muted small">No circuit breaker yet</span>
        ) : null
      }
      actions={
        breaker.data && target && onReset ? (
          <button
            type="button"
            className="btn btn--secondary btn--sm"
            data-testid="drawer-reset-breaker"
            onClick={() => onReset(target)}
          >
            <ResetIcon size={13} /> Reset breaker
          </button>
        ) : null
      }
    >
      {breaker.isLoading && <div className="drawer-note">Loading…</div>}
      {breaker.isError && !noBreaker && (
        <div className="callout callout--danger">
          Couldn't load the breaker: {errorMessage(breaker.error)}
        </div>
      )}
      {noBreaker && (
        <section className="drawer-section">
          <h3 className="drawer-section__title">Circuit breaker</h3>
          <p className="drawer-note">
            No call to this target has gone through a breaker yet. One appears with the first call a
            flow makes to it.
          </p>
        </section>
      )}
      {breaker.data && <BreakerSection breaker={breaker.data} />}
      <RateLimitSection limit={limit} />
      {breaker.data && <Transitions breaker={breaker.data} />}
    </Drawer>
  );
}
