/** The headline figures: failures first, then success rate, durations and what is in flight. */
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/types.ts';
import { formatDuration } from '../ui/format.ts';
import { formatPercent } from '../upstreams/upstream-format.ts';

type Overview = RouterOutputs['stats']['overview'];
export type LiveCounts = { running: number; queued: number; workersAlive: number | null };

function Tile({
  label,
  value,
  detail,
  tone,
  testId,
  href,
}: {
  label: string;
  value: string;
  detail?: string | undefined;
  tone?: 'danger' | 'ok' | 'live' | undefined;
  testId: string;
  href?: string;
}) {
  const body = (
    <>
      <span className="dash-tile__label">{label}</span>
      <span className="dash-tile__value" data-testid={`${testId}-value`}>
        {value}
      </span>
      {detail && <span className="dash-tile__detail">{detail}</span>}
    </>
  );
  const className = `dash-tile${tone ? ` dash-tile--${tone}` : ''}`;
  return href ? (
    <Link href={href} className={`${className} dash-tile--link`} data-testid={testId}>
      {body}
    </Link>
  ) : (
    <div className={className} data-testid={testId}>
      {body}
    </div>
  );
}

export function OverviewTiles({
  overview,
  live,
  failedRunsHref,
}: {
  overview: Overview | undefined;
  live: LiveCounts | null;
  failedRunsHref: string;
}) {
  const dash = '—';
  const running = live?.running ?? overview?.running;
  const queued = live?.queued ?? overview?.queued;
  return (
    <div className="dash-tiles" data-testid="dashboard-tiles">
      <Tile
        label="Failed runs"
        value={overview ? overview.failed.toLocaleString() : dash}
        detail={
          overview
            ? `${overview.cancelled.toLocaleString()} cancelled · ${overview.total.toLocaleString()} finished`
            : undefined
        }
        tone={overview && overview.failed > 0 ? 'danger' : undefined}
        testId="tile-failed"
        href={failedRunsHref}
      />
      <Tile
        label="Success rate"
        value={overview?.successRate == null ? dash : formatPercent(overview.successRate)}
        detail={overview ? `${overview.succeeded.toLocaleString()} succeeded` : undefined}
        tone={
          overview?.successRate == null ? undefined : overview.successRate < 0.95 ? 'danger' : 'ok'
        }
        testId="tile-success-rate"
      />
      <Tile
        label="Duration p50 / p95 / p99"
        value={overview ? formatDuration(overview.p95Ms) : dash}
        detail={
          overview
            ? `p50 ${formatDuration(overview.p50Ms)} · p99 ${formatDuration(overview.p99Ms)}`
            : undefined
        }
        testId="tile-duration"
      />
      <Tile
        label="In flight"
        value={running === undefined ? dash : running.toLocaleString()}
        detail={queued === undefined ? undefined : `${queued.toLocaleString()} queued`}
        tone={live ? 'live' : undefined}
        testId="tile-in-flight"
      />
      <Tile
        label="Workers alive"
        value={live?.workersAlive == null ? dash : String(live.workersAlive)}
        detail={live ? 'live' : 'waiting for the live feed'}
        tone={live?.workersAlive === 0 ? 'danger' : live ? 'live' : undefined}
        testId="tile-workers"
      />
    </div>
  );
}
