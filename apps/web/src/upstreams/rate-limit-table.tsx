/** Every rate-limited or throttled target: its limit, this period's usage and when calls may go. */
import type { RateLimitView } from '../api/types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { useNow } from '../ui/use-now.ts';
import { formatRate, isThrottled, periodUsage } from './upstream-format.ts';

function Usage({ limit }: { limit: RateLimitView }) {
  const usage = periodUsage(limit);
  if (usage === null) return <span className="muted">—</span>;
  return (
    <span className="usage">
      <span className="usage__text">
        {limit.usage.callsInPeriod} <span className="muted">of {limit.limit}</span>
      </span>
      {/* Decorative: the text beside it says the same. */}
      <span className={`meter${usage >= 1 ? ' is-full' : ''}`} aria-hidden="true">
        <span className="meter__fill" style={{ width: `${usage * 100}%` }} />
      </span>
    </span>
  );
}

function RateLimitRow({
  limit,
  now,
  onOpen,
}: {
  limit: RateLimitView;
  now: number;
  onOpen: (target: string) => void;
}) {
  const throttled = isThrottled(limit, now);
  return (
    <tr
      data-testid={`limit-row-${limit.target}`}
      data-throttled={throttled}
      onClick={() => onOpen(limit.target)}
    >
      <td className="target-col">
        <button
          type="button"
          className="target-link mono"
          title={limit.target}
          onClick={(e) => {
            e.stopPropagation();
            onOpen(limit.target);
          }}
        >
          {limit.target}
        </button>
      </td>
      <td>
        {limit.limit !== null && limit.periodMs !== null ? (
          formatRate(limit.limit, limit.periodMs)
        ) : (
          <span className="muted" title="No node set a rateLimit policy; only a 429 was seen">
            Not configured
          </span>
        )}
      </td>
      <td className="num">{limit.burst ?? <span className="muted">—</span>}</td>
      <td>
        <Usage limit={limit} />
      </td>
      <td className="small">
        <Countdown
          until={limit.usage.nextTokenAt}
          elapsed={<span className="text-ok">Now</span>}
          testId="limit-next-token"
        />
      </td>
      <td className="small">
        {throttled && limit.throttledUntil ? (
          <span className="throttle-pill" data-testid="limit-throttled">
            Throttled <Countdown until={limit.throttledUntil} prefix="· " elapsed="" />
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

export function RateLimitTable({
  limits,
  onOpen,
}: {
  limits: readonly RateLimitView[];
  onOpen: (target: string) => void;
}) {
  const now = useNow(1_000);
  return (
    <table className="table table--clickable upstream-table" data-testid="limit-table">
      <thead>
        <tr>
          <th>Target</th>
          <th>Limit</th>
          <th className="num">Burst</th>
          <th>Calls this period</th>
          <th>Next call free</th>
          <th>Throttled (429)</th>
        </tr>
      </thead>
      <tbody>
        {limits.map((limit) => (
          <RateLimitRow key={limit.target} limit={limit} now={now} onOpen={onOpen} />
        ))}
      </tbody>
    </table>
  );
}
