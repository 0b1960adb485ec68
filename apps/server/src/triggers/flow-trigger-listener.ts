/**
 * LISTENs on patchbay_flow_triggers, where PostgreSQL itself NOTIFYs a flow's id at commit when
 * the flow is switched on or off, deleted, or saved as a new version while active (the triggers
 * of migration 20261204010000_triggers). A lost connection is re-established; what was sent
 * meanwhile is caught by `onReconnect` (the manager resyncs every flow).
 */
import type { Logger } from 'pino';
import { NotificationListener } from '../db/notification-listener.ts';

export const FLOW_TRIGGERS_CHANNEL = 'patchbay_flow_triggers';

export class FlowTriggerListener extends NotificationListener {
  constructor(deps: {
    connectionString: string;
    onFlowChanged: (flowId: string) => void;
    onReconnect: () => void;
    logger: Pick<Logger, 'warn'>;
  }) {
    super({
      connectionString: deps.connectionString,
      channels: { [FLOW_TRIGGERS_CHANNEL]: deps.onFlowChanged },
      onReconnect: deps.onReconnect,
      logger: deps.logger,
      name: 'Flow trigger listener',
    });
  }
}
