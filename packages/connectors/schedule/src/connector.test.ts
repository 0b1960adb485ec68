import { describeConnector } from '@patchbay/engine/connector-kit';
import { scheduleConnector } from './index.ts';

describeConnector(scheduleConnector);
