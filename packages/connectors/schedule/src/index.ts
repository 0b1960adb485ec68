/** Schedule: the trigger.schedule node, which starts a flow on a cron schedule. */
import { defineConnector } from '@patchbay/engine';
import { SCHEDULE_ICON } from './schedule-icon.ts';
import { scheduleTriggerNode } from './trigger-schedule.ts';

export { MAX_TIMER_MS, type ScheduleRunInput } from './schedule-activation.ts';
export {
  CATCH_UP_POLICIES,
  OVERLAP_POLICIES,
  type ScheduleConfig,
  scheduleConfigSchema,
} from './schedule-config.ts';
export { SCHEDULE_ICON } from './schedule-icon.ts';
export { previewSchedule, type SchedulePreview } from './schedule-preview.ts';
export { createSchedule, cronProblem, formatInTimeZone, isTimeZone } from './schedule-times.ts';
export { scheduleTriggerNode } from './trigger-schedule.ts';

export const scheduleConnector = defineConnector({
  name: 'schedule',
  title: 'Schedule',
  description: 'Start a flow on a cron schedule, exactly once per tick across every worker.',
  icon: SCHEDULE_ICON,
  nodeTypes: [scheduleTriggerNode],
  credentialTypes: [],
});
