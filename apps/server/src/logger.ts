/** The process logger (pino, JSON lines). LOG_LEVEL overrides the level. */
import pino, { type Logger } from 'pino';

export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({
    level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { service: 'patchbay-server' },
  });
}
