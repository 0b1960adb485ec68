/**
 * Tracing of run executions, as the worker sees it: one `patchbay.run` span per execution of a
 * run, one `patchbay.step` child span per step attempt. Off by default: `createRunTracer` returns
 * NOOP_RUN_TRACER unless the environment configures an OTLP exporter (tracing-config.ts), and only
 * then loads the OpenTelemetry SDK (otel-run-tracer.ts, by dynamic import), so a process without
 * tracing neither loads it nor does any per-step work.
 */
import type { SerializedError, StepEvent } from '@patchbay/engine';
import type { Logger } from 'pino';
import { type TracingConfig, tracingConfigFromEnv } from './tracing-config.ts';

/** How one execution of a run ended, as its span records it. */
export type RunSpanEnd = {
  /** A final status, or why this execution stopped without one. */
  status:
    | 'succeeded'
    | 'failed'
    | 'cancelled'
    | 'suspended'
    | 'handed_back'
    | 'lease_lost'
    | 'interrupted';
  error?: SerializedError | null | undefined;
};

export type RunSpanStart = {
  runId: string;
  flowId: string;
  flowName: string | undefined;
  trigger: string;
  /** 1 on the first execution; more when the run is resumed. */
  execution: number;
};

export type RunSpan = {
  /** The executor's step events, in order: attempts become child spans. */
  step(event: StepEvent): void;
  /**
   * A resumed run's node that waited (for `reason`) while the run was suspended: its next
   * attempt's span carries the reason, as within one execution.
   */
  waited(nodeId: string, reason: string): void;
  /** Ends the run span and any attempt still open. Later calls do nothing. */
  end(outcome: RunSpanEnd): void;
};

export type RunTracer = {
  readonly enabled: boolean;
  startRun(start: RunSpanStart): RunSpan;
  /** Exports what is buffered (tests; shutdown does it too). */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
};

/** The span of a run when tracing is off: ignores everything. */
export const NOOP_RUN_SPAN: RunSpan = { step() {}, waited() {}, end() {} };

export const NOOP_RUN_TRACER: RunTracer = {
  enabled: false,
  startRun: () => NOOP_RUN_SPAN,
  forceFlush: async () => {},
  shutdown: async () => {},
};

export type LoadOtelRunTracer = (
  config: TracingConfig,
  logger: Pick<Logger, 'warn' | 'info'>,
) => Promise<RunTracer>;

const loadOtelRunTracer: LoadOtelRunTracer = async (config, logger) => {
  const { createOtelRunTracer } = await import('./otel-run-tracer.ts');
  return createOtelRunTracer(config, logger);
};

/**
 * The process's run tracer from the OTEL_* environment: the no-op one unless an OTLP exporter is
 * configured. `load` is the SDK's loader (tests observe that it is not called).
 */
export async function createRunTracer(
  env: NodeJS.ProcessEnv,
  logger: Pick<Logger, 'warn' | 'info'>,
  load: LoadOtelRunTracer = loadOtelRunTracer,
): Promise<RunTracer> {
  const config = tracingConfigFromEnv(env);
  for (const warning of config.warnings) logger.warn(warning);
  if (!config.enabled) return NOOP_RUN_TRACER;
  const tracer = await load(config, logger);
  logger.info(
    { endpoint: config.tracesUrl, serviceName: config.serviceName },
    'OpenTelemetry tracing is on: spans of runs and steps go to the OTLP endpoint',
  );
  return tracer;
}
