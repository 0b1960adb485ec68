/** Human-readable durations, times and sizes for run tables and headers. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes < 60) return `${minutes}m ${rest}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

const EXACT_UNITS: [string, number][] = [
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
];

/**
 * Milliseconds in the largest unit that states them exactly (at most one decimal), for the hint
 * beside a field in ms: 30000 -> "30 s", 90000 -> "1.5 min", 86400000 -> "24 h"; 1234 -> none.
 */
export function exactDuration(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms <= 0) return undefined;
  for (const [unit, size] of EXACT_UNITS) {
    if (ms >= size && (ms * 10) % size === 0) return `${ms / size} ${unit}`;
  }
  return undefined;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function formatRelative(iso: string, now: number): string {
  const seconds = (Date.parse(iso) - now) / 1000;
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), 'minute');
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

export function formatAbsolute(iso: string): string {
  return absoluteFormat.format(new Date(iso));
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** Time left until an instant, for countdowns: "12s", "2m 05s", "1h 02m"; rounds up. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

const timeOfDayFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** The clock time alone ("14:03:27"), for instants within the next few hours. */
export function formatTimeOfDay(iso: string): string {
  return timeOfDayFormat.format(new Date(iso));
}

/** A size in bytes as people read it: "512 B", "64 KiB", "8.5 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = units[0]!;
  for (const next of units.slice(1)) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value < 10 && !Number.isInteger(value) ? value.toFixed(1) : Math.round(value)} ${unit}`;
}
