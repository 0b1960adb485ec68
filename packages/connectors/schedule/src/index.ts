/** Schedule: the trigger.schedule node, which starts a flow on a cron schedule. */
import { defineConnector } from '@patchbay/engine';

export const SCHEDULE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="10"/><path d="M12 6v6l4 2"/></svg>';

export const scheduleConnector = defineConnector({
  name: 'schedule',
  title: 'Schedule',
  description: 'Start a flow on a cron schedule, exactly once per tick across every worker.',
  icon: SCHEDULE_ICON,
  nodeTypes: [],
  credentialTypes: [],
});
