import { describeConnector } from '@patchbay/engine/connector-kit';
import { webhookConnector } from './index.ts';

describeConnector(webhookConnector);
