/**
 * Under a schedule trigger's config: the next five fire times in its time zone, from the server
 * (triggers.schedulePreview, which reads the pattern exactly as the workers will), or what is
 * wrong with the pattern or the zone.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';

function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function SchedulePreview({ config }: { config: Record<string, unknown> }) {
  const trpc = useTRPC();
  const cron = typeof config.cron === 'string' ? config.cron : '';
  const timezone =
    typeof config.timezone === 'string' && config.timezone !== '' ? config.timezone : undefined;
  const input = useSettled({ cron, timezone }, 300);
  const preview = useQuery(
    trpc.triggers.schedulePreview.queryOptions(input, { placeholderData: keepPreviousData }),
  );
  const zone = input.timezone ?? 'UTC';

  return (
    <div className="schedule-preview" data-testid="schedule-preview">
      <div className="field__label">Next fire times ({zone})</div>
      {preview.isError && (
        <p className="small text-danger">Couldn't compute them: {errorMessage(preview.error)}</p>
      )}
      {preview.data && !preview.data.ok && (
        <p className="small muted" data-testid="schedule-preview-problem">
          {preview.data.field === 'cron' ? 'Fix the cron pattern' : 'Fix the time zone'} to see
          them: {preview.data.message}
        </p>
      )}
      {preview.data?.ok && (
        <ol className="schedule-preview__list">
          {preview.data.next.map((entry) => (
            <li key={entry.at} title={entry.at} data-testid="schedule-preview-time">
              <time dateTime={entry.at}>{formatLocal(entry.local)}</time>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** `2026-12-04T09:00:00+01:00` as `Fri 4 Dec 2026, 09:00:00 (+01:00)`: the zone's wall clock. */
function formatLocal(local: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})$/.exec(local);
  if (!match) return local;
  const [, year, month, day, time, offset] = match;
  // The calendar date alone, read in UTC, gives its weekday and month name.
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const label = new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(date);
  return `${label}, ${time} (${offset})`;
}
