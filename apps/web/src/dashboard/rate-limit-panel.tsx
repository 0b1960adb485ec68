/** Per rate-limited upstream: its limit, whether it is throttling now, and how long runs waited. */
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/types.ts';
import { formatDuration } from '../ui/format.ts';
import { formatRate, upstreamHref } from '../upstreams/upstream-format.ts';

type Upstream = RouterOutputs['stats']['upstreams'][number];
/** stats.upstreams may add wait figures per target; shown when present. */
type WithWaits = Upstream & { rateLimitWaits?: number; rateLimitWaitMs?: number };

export function RateLimitTable({
  upstreams,
  now,
}: {
  upstreams: readonly Upstream[];
  now: number;
}) {
  const limited = (upstreams as readonly WithWaits[])
    .filter((u) => u.rateLimit !== null)
    .sort((a, b) => (b.rateLimitWaitMs ?? 0) - (a.rateLimitWaitMs ?? 0));
  const most = Math.max(1, ...limited.map((u) => u.rateLimitWaitMs ?? 0));
  return (
    <table className="table dash-table" data-testid="rate-limits">
      <thead>
        <tr>
          <th>Upstream</th>
          <th>Limit</th>
          <th className="num">Waits</th>
          <th className="num">Time waiting</th>
        </tr>
      </thead>
      <tbody>
        {limited.map((u) => {
          const throttled = u.throttledUntil !== null && Date.parse(u.throttledUntil) > now;
          return (
            <tr key={u.target} data-testid={`rate-limit-${u.target}`}>
              <td>
                <Link href={upstreamHref(u.target)}>{u.target}</Link>
                {throttled && <span className="chip dash-chip--warn">throttling now</span>}
              </td>
              <td className="muted small">
                {u.rateLimit ? formatRate(u.rateLimit.limit, u.rateLimit.periodMs) : ''}
              </td>
              <td className="num">{u.rateLimitWaits?.toLocaleString() ?? '—'}</td>
              <td className="num">
                <span className="dash-meter" aria-hidden="true">
                  <span
                    className="dash-meter__fill dash-meter__fill--warn"
                    style={{ width: `${((u.rateLimitWaitMs ?? 0) / most) * 100}%` }}
                  />
                </span>
                {u.rateLimitWaitMs === undefined ? '—' : formatDuration(u.rateLimitWaitMs)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function hasRateLimits(upstreams: readonly Upstream[]): boolean {
  return upstreams.some((u) => u.rateLimit !== null);
}
