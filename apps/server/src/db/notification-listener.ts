/**
 * A connection of its own that LISTENs on some channels and hands each NOTIFY payload to its
 * channel's handler. A lost connection is re-established after a second; notifications sent
 * meanwhile are lost, so `onReconnect` lets the owner catch up (resync, re-check).
 */
import pg from 'pg';
import type { Logger } from 'pino';

const RECONNECT_DELAY_MS = 1_000;

export type NotificationListenerOptions = {
  connectionString: string;
  /** Channel name → what to do with a payload sent on it. */
  channels: Readonly<Record<string, (payload: string) => void>>;
  /** Called after a lost connection is listening again. */
  onReconnect?: () => void;
  logger: Pick<Logger, 'warn'>;
  /** For log lines, e.g. "Cancellation listener". */
  name: string;
};

export class NotificationListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NotificationListenerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    const { channels, logger, name } = this.options;
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('notification', (message) => {
      const handle = Object.hasOwn(channels, message.channel)
        ? channels[message.channel]
        : undefined;
      if (handle && message.payload) handle(message.payload);
    });
    client.on('error', (error) => {
      logger.warn({ err: error }, `${name} lost its connection`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    this.client = client;
    await client.connect();
    for (const channel of Object.keys(channels)) await client.query(`LISTEN ${channel}`);
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
        .then(() => this.options.onReconnect?.())
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error }, `${this.options.name} could not reconnect`);
          // start() kept the client it failed with: try again from it.
          if (this.client) this.reconnect(this.client);
        });
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }
}
