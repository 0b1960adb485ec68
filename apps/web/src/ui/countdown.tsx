/** Time left until an instant ("in 12s"), ticking every second; the absolute time on hover. */
import type { ReactNode } from 'react';
import { formatAbsolute, formatCountdown } from './format.ts';
import { useNow } from './use-now.ts';

const TICK_MS = 1_000;

export function Countdown({
  until,
  prefix = 'in ',
  elapsed = 'now',
  testId,
}: {
  until: string;
  prefix?: string;
  /** Shown once the instant has passed (the next refresh usually replaces it). */
  elapsed?: ReactNode;
  testId?: string;
}) {
  const now = useNow(TICK_MS);
  const left = Date.parse(until) - now;
  return (
    <time dateTime={until} title={formatAbsolute(until)} data-testid={testId} className="countdown">
      {left > 0 ? `${prefix}${formatCountdown(left)}` : elapsed}
    </time>
  );
}
