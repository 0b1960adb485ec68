/** The next fire times of a cron pattern in a time zone, for the inspector (triggers.schedulePreview). */
import { scheduleConfigSchema } from './schedule-config.ts';
import { createSchedule, formatInTimeZone } from './schedule-times.ts';

export type SchedulePreview =
  | { ok: true; next: { at: string; local: string }[] }
  /** `field` is the config field at fault: `cron` or `timezone`. */
  | { ok: false; field: 'cron' | 'timezone'; message: string };

export function previewSchedule(
  input: { cron: string; timezone?: string | undefined },
  from: Date,
  count = 5,
): SchedulePreview {
  const parsed = scheduleConfigSchema.safeParse({ cron: input.cron, timezone: input.timezone });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] === 'timezone' ? 'timezone' : 'cron';
    return { ok: false, field, message: issue?.message ?? 'The schedule is not valid' };
  }
  const { cron, timezone } = parsed.data;
  return {
    ok: true,
    next: createSchedule(cron, timezone)
      .nextTimes(count, from)
      .map((at) => ({ at: at.toISOString(), local: formatInTimeZone(at, timezone) })),
  };
}
