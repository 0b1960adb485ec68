/**
 * When a cron schedule fires, computed with croner: pure functions of the pattern, the time zone
 * and a reference instant, so ticks are tested with a fake clock and every process computes the
 * same instants (the keys ticks are claimed by).
 */
import { Cron } from 'croner';

/** The fields a pattern may have: 5 (minute first) or 6 (seconds first). */
const CRON_MODE = '5-or-6-parts';

export type Schedule = {
  /** The first fire time strictly after `after`; null if the pattern never fires again. */
  next(after: Date): Date | null;
  /** Up to `count` fire times strictly after `after`. */
  nextTimes(count: number, after: Date): Date[];
  /** The latest fire time at or before `at`; null if there is none. */
  lastAtOrBefore(at: Date): Date | null;
};

export function createSchedule(cron: string, timezone: string): Schedule {
  // Without a callback croner schedules nothing: it is used as a calculator only.
  const pattern = new Cron(cron, { paused: true, timezone, mode: CRON_MODE });
  return {
    next: (after) => pattern.nextRun(after),
    nextTimes: (count, after) => pattern.nextRuns(count, after),
    lastAtOrBefore: (at) => pattern.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null,
  };
}

/** What is wrong with a cron pattern, in words for the inspector; undefined when it is valid. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return `Cron needs 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); "${cron.trim()}" has ${fields.length}`;
  }
  let pattern: Cron;
  try {
    pattern = new Cron(cron, { paused: true, mode: CRON_MODE });
  } catch (error) {
    return `Cron is not valid: ${cronMessage(error)}`;
  }
  // A fixed reference, so validation does not depend on when it runs: a pattern that fires at
  // all fires within a leap-year cycle of any instant.
  if (pattern.nextRun(new Date('2000-01-01T00:00:00.000Z')) === null) {
    return `Cron "${cron.trim()}" never fires (no such date)`;
  }
  return undefined;
}

/** Whether the runtime knows the IANA time zone (`UTC` included). */
export function isTimeZone(timezone: string): boolean {
  if (timezone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An instant as the wall-clock time in `timezone` with its UTC offset, e.g.
 * `2026-12-04T09:00:00+01:00`: how the inspector shows fire times.
 */
export function formatInTimeZone(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((entry) => entry.type === type)?.value ?? '';
  const offsetName = part('timeZoneName').replace('GMT', '');
  const offset = offsetName === '' ? '+00:00' : offsetName;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}

function cronMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Cron(Pattern|Date)?:\s*/, '');
}
