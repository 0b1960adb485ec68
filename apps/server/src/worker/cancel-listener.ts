/**
 * LISTENs for cancellation requests (runs.cancel NOTIFYs the run id) on a connection of its own,
 * and stops the run if it executes here. The same connection hears credential changes (the
 * vault NOTIFYs the credential id), so pooled connections close at once. A lost connection is re-established; notifications sent
 * meanwhile are caught by the heartbeat, which also checks for cancellations.
 */
import type { Logger } from 'pino';
import { CREDENTIALS_CHANNEL } from '../credentials/sealed-credential.ts';
import { NotificationListener } from '../db/notification-listener.ts';
import { RUN_CANCEL_CHANNEL } from '../runs/run-cancellation.ts';

export class CancelListener extends NotificationListener {
  constructor(deps: {
    connectionString: string;
    onCancel: (runId: string) => void;
    /** A credential was updated or deleted. */
    onCredentialChanged?: (credentialId: string) => void;
    logger: Pick<Logger, 'warn'>;
  }) {
    super({
      connectionString: deps.connectionString,
      channels: {
        [RUN_CANCEL_CHANNEL]: deps.onCancel,
        ...(deps.onCredentialChanged ? { [CREDENTIALS_CHANNEL]: deps.onCredentialChanged } : {}),
      },
      logger: deps.logger,
      name: 'Cancellation listener',
    });
  }
}
