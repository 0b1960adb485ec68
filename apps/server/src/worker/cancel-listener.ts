/**
 * LISTENs for cancellation requests (runs.cancel NOTIFYs the run id) on a connection of its own,
 * and stops the run if it executes here. The same connection hears credential changes (the
 * vault NOTIFYs the credential id), so pooled connections close at once. A lost connection is re-established; notifications sent
 * meanwhile are caught by the heartbeat, which also checks for cancellations.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { CREDENTIALS_CHANNEL } from '../credentials/sealed-credential.ts';
import { RUN_CANCEL_CHANNEL } from '../runs/run-cancellation.ts';

const RECONNECT_DELAY_MS = 1_000;

export class CancelListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      connectionString: string;
      onCancel: (runId: string) => void;
      /** A credential was updated or deleted. */
      onCredentialChanged?: (credentialId: string) => void;
      logger: Pick<Logger, 'warn'>;
    },
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const client = new pg.Client({ connectionString: this.deps.connectionString });
    client.on('notification', (message) => {
      if (message.channel === RUN_CANCEL_CHANNEL && message.payload) {
        this.deps.onCancel(message.payload);
      } else if (message.channel === CREDENTIALS_CHANNEL && message.payload) {
        this.deps.onCredentialChanged?.(message.payload);
      }
    });
    client.on('error', (error) => {
      this.deps.logger.warn({ err: error }, 'Cancellation listener lost its connection');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${RUN_CANCEL_CHANNEL}`);
    if (this.deps.onCredentialChanged) await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
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
      this.start().catch((error: unknown) => {
        this.deps.logger.warn({ err: error }, 'Cancellation listener could not reconnect');
        if (this.client) this.reconnect(this.client);
      });
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }
}
