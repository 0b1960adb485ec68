/**
 * LISTENs on patchbay_flow_triggers, where PostgreSQL itself NOTIFYs a flow's id at commit when
 * the flow is switched on or off, deleted, or saved as a new version while active (the triggers
 * of migration 20261204010000_triggers). A lost connection is re-established; what was sent
 * meanwhile is caught by `onReconnect` (the manager resyncs every flow).
 */
import pg from 'pg';
import type { Logger } from 'pino';

export const FLOW_TRIGGERS_CHANNEL = 'patchbay_flow_triggers';

const RECONNECT_DELAY_MS = 1_000;

export class FlowTriggerListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      connectionString: string;
      onFlowChanged: (flowId: string) => void;
      onReconnect: () => void;
      logger: Pick<Logger, 'warn'>;
    },
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const client = new pg.Client({ connectionString: this.deps.connectionString });
    client.on('notification', (message) => {
      if (message.channel === FLOW_TRIGGERS_CHANNEL && message.payload) {
        this.deps.onFlowChanged(message.payload);
      }
    });
    client.on('error', (error) => {
      this.deps.logger.warn({ err: error }, 'Flow trigger listener lost its connection');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${FLOW_TRIGGERS_CHANNEL}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private reconnect(broken: pg.Client): void {
    if (this.stopped || this.client !== broken) return;
    this.client = undefined;
    broken.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.start()
        .then(() => this.deps.onReconnect())
        .catch((error: unknown) => {
          this.deps.logger.warn({ err: error }, 'Flow trigger listener could not reconnect');
          // start() kept the client it failed with: try again from it.
          if (this.client) this.reconnect(this.client);
        });
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }
}
