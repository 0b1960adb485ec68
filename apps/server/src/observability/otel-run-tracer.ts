/**
 * The RunTracer on the OpenTelemetry SDK, loaded (with the SDK, by dynamic import) only when
 * tracing is configured. Spans go through a batch processor to the OTLP/HTTP (JSON) exporter.
 *
 * A run's trace id is its run id (a UUID is 16 random bytes, as a trace id is), so every
 * execution of a run (the first, and each one resuming it after a suspension or a dead worker)
 * is a `patchbay.run` span of one trace, with `patchbay.run.execution` telling them apart.
 * Step attempts are `patchbay.step` children of their execution's span.
 */
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace';
import type { StepEvent } from '@patchbay/engine';
import type { Logger } from 'pino';
import type { RunSpan, RunSpanEnd, RunSpanStart, RunTracer } from './run-tracer.ts';
import type { TracingConfig } from './tracing-config.ts';

export const RUN_SPAN = 'patchbay.run';
export const STEP_SPAN = 'patchbay.step';

const TRACER_NAME = '@patchbay/server';

/** The API's pieces a span needs, loaded with the SDK. */
type Api = typeof import('@opentelemetry/api');

export async function createOtelRunTracer(
  config: TracingConfig,
  logger: Pick<Logger, 'warn'>,
): Promise<RunTracer> {
  // Dynamic imports: the bundle keeps them out of the start-up path (external packages).
  const [api, sdk, { OTLPTraceExporter }, { resourceFromAttributes }, semconv] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const ids = new RunTraceIds(new sdk.RandomIdGenerator());
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ [semconv.ATTR_SERVICE_NAME]: config.serviceName }),
    idGenerator: ids,
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer(TRACER_NAME);
  return {
    enabled: true,
    startRun: (start) => new OtelRunSpan(api, tracer, ids, start),
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, 'Could not export the last spans');
      });
    },
  };
}

/**
 * Random ids, except the trace id of a run span: its run id. Set right before the synchronous
 * startSpan that reads it, so no other span can take it.
 */
class RunTraceIds implements IdGenerator {
  next: string | undefined;

  constructor(private readonly random: IdGenerator) {}

  generateTraceId(): string {
    const id = this.next;
    this.next = undefined;
    return id ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

class OtelRunSpan implements RunSpan {
  private readonly span: Span;
  /** Attempts started and not finished yet, by node id. */
  private readonly open = new Map<string, Span>();
  /** The reason a node waited before its next attempt. */
  private readonly waits = new Map<string, string>();
  private ended = false;

  constructor(
    private readonly api: Api,
    private readonly tracer: Tracer,
    ids: RunTraceIds,
    start: RunSpanStart,
  ) {
    ids.next = start.runId.replaceAll('-', '').toLowerCase();
    this.span = tracer.startSpan(RUN_SPAN, {
      root: true,
      kind: api.SpanKind.INTERNAL,
      attributes: {
        'patchbay.run.id': start.runId,
        'patchbay.flow.id': start.flowId,
        ...(start.flowName === undefined ? {} : { 'patchbay.flow.name': start.flowName }),
        'patchbay.run.trigger': start.trigger,
        'patchbay.run.execution': start.execution,
      },
    });
    ids.next = undefined;
  }

  step(event: StepEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'step.started': {
        this.open.get(event.nodeId)?.end(event.at);
        const waitReason = this.waits.get(event.nodeId);
        this.waits.delete(event.nodeId);
        const context = this.api.trace.setSpan(this.api.ROOT_CONTEXT, this.span);
        const attributes: Attributes = {
          'patchbay.node.id': event.nodeId,
          'patchbay.node.type': event.nodeType,
          'patchbay.step.attempt': event.attempt,
          ...(waitReason === undefined ? {} : { 'patchbay.step.wait_reason': waitReason }),
        };
        this.open.set(
          event.nodeId,
          this.tracer.startSpan(STEP_SPAN, { startTime: event.at, attributes }, context),
        );
        return;
      }
      case 'step.succeeded':
        this.endStep(event.nodeId, event.at, { 'patchbay.step.status': 'succeeded' });
        return;
      case 'step.failed':
        this.endStep(
          event.nodeId,
          event.at,
          { 'patchbay.step.status': 'failed', 'patchbay.error.code': event.error.code },
          event.error.message,
        );
        return;
      case 'step.waiting':
        // A rate-limit or breaker wait found at the call ends the attempt's span; the same
        // attempt runs again later. A retry delay comes between attempts: the next one says so.
        this.endStep(event.nodeId, event.at, {
          'patchbay.step.status': 'waiting',
          'patchbay.step.wait_reason': event.reason,
        });
        this.waits.set(event.nodeId, event.reason);
        return;
      case 'step.skipped':
        return;
      default:
        event satisfies never;
    }
  }

  waited(nodeId: string, reason: string): void {
    this.waits.set(nodeId, reason);
  }

  end(outcome: RunSpanEnd): void {
    if (this.ended) return;
    this.ended = true;
    const now = new Date();
    // Attempts cut short by the end of the execution (cancel, shutdown, a lost lease).
    for (const nodeId of [...this.open.keys()]) {
      this.endStep(nodeId, now, { 'patchbay.step.status': outcome.status });
    }
    this.span.setAttribute('patchbay.run.status', outcome.status);
    if (outcome.error) {
      this.span.setAttribute('patchbay.error.code', outcome.error.code);
    }
    if (outcome.status === 'failed') {
      this.span.setStatus({
        code: this.api.SpanStatusCode.ERROR,
        ...(outcome.error ? { message: outcome.error.message } : {}),
      });
    }
    this.span.end(now);
  }

  private endStep(nodeId: string, at: Date, attributes: Attributes, errorMessage?: string): void {
    const span = this.open.get(nodeId);
    if (!span) return;
    this.open.delete(nodeId);
    span.setAttributes(attributes);
    if (errorMessage !== undefined) {
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: errorMessage });
    }
    span.end(at);
  }
}
