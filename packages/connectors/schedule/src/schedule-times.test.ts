import { describe, expect, it } from 'vitest';
import { createSchedule } from './schedule-times.ts';

const at = (iso: string) => new Date(iso);

describe('createSchedule', () => {
  it('gives the next fire time strictly after the reference', () => {
    const everyMinute = createSchedule('* * * * *', 'UTC');
    expect(everyMinute.next(at('2026-01-01T00:00:00.000Z'))).toEqual(
      at('2026-01-01T00:01:00.000Z'),
    );
    expect(everyMinute.next(at('2026-01-01T00:00:59.999Z'))).toEqual(
      at('2026-01-01T00:01:00.000Z'),
    );
  });

  it('gives the latest fire time at or before the reference', () => {
    const quarterHours = createSchedule('*/15 * * * *', 'UTC');
    expect(quarterHours.lastAtOrBefore(at('2026-01-01T10:15:00.000Z'))).toEqual(
      at('2026-01-01T10:15:00.000Z'),
    );
    expect(quarterHours.lastAtOrBefore(at('2026-01-01T10:29:59.000Z'))).toEqual(
      at('2026-01-01T10:15:00.000Z'),
    );
  });

  it('reads the pattern in the time zone, across daylight saving', () => {
    const weekdays9 = createSchedule('0 9 * * 1-5', 'America/New_York');
    expect(weekdays9.nextTimes(3, at('2026-03-06T00:00:00.000Z'))).toEqual([
      at('2026-03-06T14:00:00.000Z'), // Friday, EST
      at('2026-03-09T13:00:00.000Z'), // Monday, EDT since Sunday
      at('2026-03-10T13:00:00.000Z'),
    ]);
  });

  it('counts seconds when the pattern has six fields', () => {
    const everyTwoSeconds = createSchedule('*/2 * * * * *', 'UTC');
    expect(everyTwoSeconds.nextTimes(2, at('2026-01-01T00:00:00.500Z'))).toEqual([
      at('2026-01-01T00:00:02.000Z'),
      at('2026-01-01T00:00:04.000Z'),
    ]);
  });
});
