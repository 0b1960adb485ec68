/** Routes graphile-worker's log lines into the process's pino logger. */
import { Logger as GraphileLogger } from 'graphile-worker';
import type { Logger } from 'pino';

export function graphileLogger(logger: Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>) {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { component: 'graphile-worker', ...scope, ...meta };
    switch (level) {
      case 'error':
        logger.error(fields, message);
        return;
      case 'warning':
        logger.warn(fields, message);
        return;
      case 'info':
        // graphile-worker's info lines (worker started, job completed) are routine; keep them
        // out of the default log level.
        logger.debug(fields, message);
        return;
      default:
        logger.debug(fields, message);
    }
  });
}
