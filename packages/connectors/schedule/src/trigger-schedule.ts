/** trigger.schedule: starts the flow on a cron schedule while the flow is switched on. */
import { defineNodeType, PURE_NODE_POLICY } from '@patchbay/engine';
import { activateSchedule, type ScheduleRunInput } from './schedule-activation.ts';
import { type ScheduleConfig, scheduleConfigSchema } from './schedule-config.ts';
import { SCHEDULE_ICON } from './schedule-icon.ts';
import { SCHEDULE_TRIGGER_DOCS } from './trigger-schedule-docs.ts';

export const scheduleTriggerNode = defineNodeType<ScheduleConfig>({
  type: 'trigger.schedule',
  title: 'Schedule',
  description: 'Starts the flow on a cron schedule, once per tick across every worker.',
  category: 'trigger',
  configSchema: scheduleConfigSchema,
  defaultConfig: { cron: '*/5 * * * *' },
  inputs: [],
  outputs: [{ id: 'out', label: 'Output' }],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  trigger: { kind: 'schedule', servedBy: 'worker', activate: async (ctx) => activateSchedule(ctx) },
  icon: SCHEDULE_ICON,
  docs: SCHEDULE_TRIGGER_DOCS,
  // A tick's run input is its times; a run started by hand gets the current time.
  execute: async (ctx) => {
    if (isScheduleInput(ctx.input)) return { output: ctx.input };
    const now = ctx.clock.now().toISOString();
    const output: ScheduleRunInput = {
      scheduledAt: now,
      firedAt: now,
      timezone: ctx.config.timezone,
    };
    return { output };
  },
});

function isScheduleInput(input: unknown): input is ScheduleRunInput {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as Record<string, unknown>).scheduledAt === 'string'
  );
}
