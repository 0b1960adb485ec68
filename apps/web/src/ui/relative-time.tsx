/** A relative timestamp ("5 minutes ago") with the absolute time on hover, kept fresh. */
import { useSyncExternalStore } from 'react';
import { formatAbsolute, formatRelative } from './format.ts';

const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

// One shared clock for every timestamp on the page, instead of a timer per cell.
function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) now = Date.now();
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = () => now;

export function RelativeTime({ iso, testId }: { iso: string | null; testId?: string }) {
  const current = useSyncExternalStore(subscribe, getNow);
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)} data-testid={testId}>
      {formatRelative(iso, current)}
    </time>
  );
}
