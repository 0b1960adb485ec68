/** The config of trigger.schedule: cron pattern, time zone, overlap policy and catch-up. */
import { uiHint } from '@patchbay/engine';
import { z } from 'zod';
import { cronProblem, isTimeZone } from './schedule-times.ts';

export const OVERLAP_POLICIES = ['skip', 'queue', 'allow'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const CATCH_UP_POLICIES = ['none', 'last'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const scheduleConfigSchema = z.strictObject({
  cron: z
    .string({ error: 'Cron is required' })
    .superRefine((cron, ctx) => {
      const problem = cron.trim() === '' ? 'Cron is required' : cronProblem(cron);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: cron });
    })
    .meta({
      title: 'Cron',
      description:
        '5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, e.g. "*/5 * * * *" or "*/10 * * * * *".',
      ...uiHint({ widget: 'cron', placeholder: '0 9 * * 1-5' }),
    }),
  timezone: z
    .string({ error: 'Time zone must be text' })
    .refine(isTimeZone, {
      error: (issue) =>
        `Time zone "${String(issue.input)}" is not an IANA time zone (e.g. "UTC", "Europe/Berlin", "America/New_York")`,
    })
    .default('UTC')
    .meta({
      title: 'Time zone',
      description: 'The IANA time zone the pattern is read in (daylight saving included).',
      ...uiHint({ widget: 'timezone' }),
    }),
  overlap: z
    .enum(OVERLAP_POLICIES, { error: `Overlap must be one of ${OVERLAP_POLICIES.join(', ')}` })
    .default('skip')
    .meta({
      title: 'When the previous run is still going',
      description:
        "skip: no run for this tick; queue: start it anyway, executed after the flow's earlier runs when the flow allows one run at a time (Max concurrent runs); allow: start it anyway.",
    }),
  catchUp: z
    .enum(CATCH_UP_POLICIES, { error: `Catch-up must be one of ${CATCH_UP_POLICIES.join(', ')}` })
    .default('none')
    .meta({
      title: 'Missed ticks',
      description:
        'none: ticks missed while no worker ran are dropped; last: the most recent missed tick fires once when workers are back.',
    }),
});

export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;
