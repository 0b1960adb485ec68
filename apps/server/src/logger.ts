/**
 * The process logger (pino, JSON lines on stdout). LOG_LEVEL overrides the level; LOG_FORMAT=pretty
 * prints coloured lines through pino-pretty, a development dependency only (a production install
 * without it keeps JSON and says so). Lines are written synchronously, so they keep their order
 * with lines printed directly (the URL line that ends a start) and none is lost when the process
 * exits. Run execution lines carry flowId and runId, step lines also nodeId and attempt
 * (worker/run-worker.ts, worker/step-recorder.ts).
 */
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

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
  const requested = env.LOG_FORMAT?.trim().toLowerCase() || 'json';
  const pretty = requested === 'pretty' ? prettyStream() : undefined;
  const logger = pino(
    {
      level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
      base: { service: 'patchbay-server' },
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    },
    pretty ?? pino.destination({ dest: 1, sync: true }),
  );
  if (!(LOG_FORMATS as readonly string[]).includes(requested)) {
    logger.warn(
      { LOG_FORMAT: env.LOG_FORMAT },
      'LOG_FORMAT must be json or pretty; logging JSON lines',
    );
  } else if (requested === 'pretty' && !pretty) {
    logger.warn(
      'LOG_FORMAT=pretty needs pino-pretty, a development dependency that is not installed; logging JSON lines',
    );
  }
  return logger;
}

/** pino-pretty writing synchronously to stdout, or undefined where it is not installed. */
function prettyStream(): DestinationStream | undefined {
  let factory: (options: Record<string, unknown>) => DestinationStream;
  try {
    // Resolved at run time, never bundled: production installs leave development dependencies out.
    factory = createRequire(import.meta.url)('pino-pretty') as typeof factory;
  } catch {
    return undefined;
  }
  return factory({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
  });
}
