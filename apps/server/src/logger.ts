/**
 * The process logger (pino, JSON lines on stdout). LOG_LEVEL overrides the level. Lines are
 * written synchronously, so they keep their order with lines printed directly (the URL line
 * that ends a start) and none is lost when the process exits.
 */
import pino, { type Logger } from 'pino';

export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino(
    {
      level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
      base: { service: 'patchbay-server' },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
