import { describeConnector } from '@patchbay/engine/connector-kit';
import { scheduleConnector } from './index.ts';

describeConnector(scheduleConnector, {
  cannotFail: {
    'trigger.schedule': 'it outputs the tick (scheduled and fired times) the run was started with',
  },
  configExamples: {
    'trigger.schedule': [
      { cron: '*/5 * * * *' },
      { cron: '0 30 9 * * 1-5', timezone: 'Europe/Berlin', overlap: 'queue', catchUp: 'last' },
    ],
  },
});
