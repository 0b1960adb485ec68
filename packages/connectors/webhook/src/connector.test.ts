import { describeConnector } from '@patchbay/engine/connector-kit';
import { webhookConnector } from './index.ts';

describeConnector(webhookConnector, {
  cannotFail: {
    'trigger.webhook':
      'it outputs the request it was started with; bad requests are refused at /hooks before a run exists',
  },
});
