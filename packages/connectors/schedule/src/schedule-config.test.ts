import { describe, expect, it } from 'vitest';
import { scheduleConfigSchema } from './schedule-config.ts';
import { previewSchedule } from './schedule-preview.ts';

function messages(config: unknown): string[] {
  const parsed = scheduleConfigSchema.safeParse(config);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('trigger.schedule config', () => {
  it('fills in the defaults: UTC, skip overlapping ticks, no catch-up', () => {
    expect(scheduleConfigSchema.parse({ cron: '*/5 * * * *' })).toEqual({
      cron: '*/5 * * * *',
      timezone: 'UTC',
      overlap: 'skip',
      catchUp: 'none',
    });
  });

  it('accepts 5 fields, and 6 with seconds first', () => {
    expect(messages({ cron: '0 9 * * 1-5' })).toEqual([]);
    expect(messages({ cron: '*/10 * * * * *' })).toEqual([]);
    expect(messages({ cron: '0 0 12 1 JAN *', timezone: 'Europe/Berlin' })).toEqual([]);
  });

  it("names what is wrong with a pattern, in croner's words where it has them", () => {
    expect(messages({ cron: '* * *' })).toEqual([
      'cron: Cron needs 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); "* * *" has 3',
    ]);
    expect(messages({ cron: '0 0 1 1 * 2030' })).toEqual([
      expect.stringMatching(/^cron: Cron is not valid: /),
    ]);
    expect(messages({ cron: '61 * * * *' })).toEqual([
      'cron: Cron is not valid: Invalid value for minute: 61',
    ]);
    expect(messages({ cron: '0 0 30 2 *' })).toEqual([
      'cron: Cron "0 0 30 2 *" never fires (no such date)',
    ]);
    expect(messages({ cron: '   ' })).toEqual(['cron: Cron is required']);
    expect(messages({})).toEqual(['cron: Cron is required']);
  });

  it('takes IANA time zones only', () => {
    expect(messages({ cron: '* * * * *', timezone: 'America/New_York' })).toEqual([]);
    expect(messages({ cron: '* * * * *', timezone: 'Mars/Olympus_Mons' })).toEqual([
      'timezone: Time zone "Mars/Olympus_Mons" is not an IANA time zone (e.g. "UTC", "Europe/Berlin", "America/New_York")',
    ]);
    expect(messages({ cron: '* * * * *', timezone: '' })).toHaveLength(1);
  });

  it('refuses unknown overlap and catch-up policies and unknown fields', () => {
    expect(messages({ cron: '* * * * *', overlap: 'sometimes', catchUp: 'all' })).toEqual([
      'overlap: Overlap must be one of skip, queue, allow',
      'catchUp: Catch-up must be one of none, last',
    ]);
    expect(messages({ cron: '* * * * *', every: 5 })).toHaveLength(1);
  });

  it('carries the cron and time zone widgets for the inspector in its JSON Schema', () => {
    const schema = scheduleConfigSchema.toJSONSchema({ io: 'input' }) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.properties.cron?.['x-ui']).toMatchObject({ widget: 'cron' });
    expect(schema.properties.timezone?.['x-ui']).toMatchObject({ widget: 'timezone' });
  });
});

describe('previewSchedule', () => {
  const from = new Date('2026-03-27T12:00:00.000Z');

  it('lists the next five fire times, as instants and as wall-clock time in the zone', () => {
    const preview = previewSchedule({ cron: '0 9 * * *', timezone: 'Europe/Berlin' }, from);
    // Berlin moves to summer time on 29 March 2026: 09:00 is 08:00Z before, 07:00Z after.
    expect(preview).toEqual({
      ok: true,
      next: [
        { at: '2026-03-28T08:00:00.000Z', local: '2026-03-28T09:00:00+01:00' },
        { at: '2026-03-29T07:00:00.000Z', local: '2026-03-29T09:00:00+02:00' },
        { at: '2026-03-30T07:00:00.000Z', local: '2026-03-30T09:00:00+02:00' },
        { at: '2026-03-31T07:00:00.000Z', local: '2026-03-31T09:00:00+02:00' },
        { at: '2026-04-01T07:00:00.000Z', local: '2026-04-01T09:00:00+02:00' },
      ],
    });
  });

  it('uses UTC when no zone is given, and names the field at fault', () => {
    const preview = previewSchedule({ cron: '*/15 * * * * *' }, from);
    expect(preview.ok && preview.next.map((entry) => entry.local)).toEqual([
      '2026-03-27T12:00:15+00:00',
      '2026-03-27T12:00:30+00:00',
      '2026-03-27T12:00:45+00:00',
      '2026-03-27T12:01:00+00:00',
      '2026-03-27T12:01:15+00:00',
    ]);
    expect(previewSchedule({ cron: 'every day' }, from)).toMatchObject({
      ok: false,
      field: 'cron',
    });
    expect(previewSchedule({ cron: '* * * * *', timezone: 'Nowhere' }, from)).toMatchObject({
      ok: false,
      field: 'timezone',
      message: expect.stringContaining('"Nowhere"'),
    });
  });
});
