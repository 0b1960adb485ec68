/**
 * The process logger (pino, JSON lines on stdout). LOG_LEVEL overrides the level. Lines are
 * written synchronously, so they keep their order with lines printed directly (the URL line
 * that ends a start) and none is lost when the process exits.
 */
import pino, { type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]": credential values and the secrets of sign-in, wherever a
 * log line might carry them (an error's details, a request's headers, a procedure's input).
 */
export const LOG_REDACT_PATHS = [
  'data',
  '*.data',
  'values',
  '*.values',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'token',
  '*.token',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'input.data',
  '*.input.data',
];

export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino(
    {
      level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
      base: { service: 'patchbay-server' },
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
