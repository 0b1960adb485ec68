/** Per upstream: its breaker's states across the range as a coloured strip, open first. */
import { useMemo } from 'react';
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/types.ts';
import { BreakerStateChip } from '../upstreams/breaker-state-chip.tsx';
import { formatPercent, upstreamHref } from '../upstreams/upstream-format.ts';
import { breakerSegments, timeNotClosed } from './chart-series.ts';
import type { StatsWindow } from './dashboard-range.ts';

type Upstream = RouterOutputs['stats']['upstreams'][number];

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function BreakerTimeline({
  upstreams,
  window,
}: {
  upstreams: readonly Upstream[];
  window: StatsWindow;
}) {
  const rows = useMemo(
    () =>
      upstreams
        .filter((u) => u.state !== null)
        .map((u) => {
          const segments = breakerSegments(u.stateAtFrom, u.transitions, window);
          return { upstream: u, segments, notClosed: timeNotClosed(segments) };
        }),
    [upstreams, window],
  );
  const from = Date.parse(window.from);
  const span = Date.parse(window.to) - from;
  return (
    <div className="breaker-timeline" data-testid="breaker-timeline">
      {rows.map(({ upstream, segments, notClosed }) => (
        <div
          key={upstream.target}
          className="breaker-timeline__row"
          data-testid={`breaker-timeline-${upstream.target}`}
        >
          <div className="breaker-timeline__label">
            <Link href={upstreamHref(upstream.target)} className="breaker-timeline__target">
              {upstream.target}
            </Link>
            {upstream.state && <BreakerStateChip state={upstream.state} compact />}
          </div>
          <div
            className="breaker-timeline__strip"
            role="img"
            aria-label={`${upstream.target} breaker states`}
          >
            {segments.map((segment) => (
              <span
                key={segment.start}
                className={`breaker-timeline__segment breaker-timeline__segment--${segment.state}`}
                style={{
                  left: `${((segment.start - from) / span) * 100}%`,
                  width: `${((segment.end - segment.start) / span) * 100}%`,
                }}
                title={`${segment.state} ${timeFormat.format(segment.start)} – ${timeFormat.format(segment.end)}`}
              />
            ))}
          </div>
          <div className="breaker-timeline__summary muted small">
            {upstream.opens === 0
              ? 'never opened'
              : `opened ${upstream.opens}× · ${formatPercent(notClosed)} not closed`}
          </div>
        </div>
      ))}
    </div>
  );
}

export function hasBreakers(upstreams: readonly Upstream[]): boolean {
  return upstreams.some((u) => u.state !== null);
}
