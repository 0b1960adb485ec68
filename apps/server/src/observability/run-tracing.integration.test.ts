/**
 * OpenTelemetry tracing end to end: a worker with tracing on exports, to a local OTLP/HTTP (JSON)
 * receiver, one `patchbay.run` span per execution and one `patchbay.step` child per attempt,
 * with their attributes. With the OTEL_* variables unset, the SDK is not even loaded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { createRunTracer, NOOP_RUN_TRACER, type RunTracer } from './run-tracer.ts';

type OtlpValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
};
type ReceivedSpan = Omit<OtlpSpan, 'attributes'> & {
  attributes: Record<string, string | number | boolean | undefined>;
  serviceName: unknown;
};

const logger = pino({ level: 'silent' });
let receiver: Server;
let receiverUrl: string;
const received: ReceivedSpan[] = [];
const requests: { path: string; contentType: string | undefined }[] = [];
let tracer: RunTracer;
let t: TestApp;
let upstream: ScriptedUpstream;

function attributeValue(value: OtlpValue): string | number | boolean | undefined {
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: OtlpValue }[] };
          scopeSpans: { spans: OtlpSpan[] }[];
        }[];
      };
      for (const resourceSpans of body.resourceSpans) {
        const serviceName = resourceSpans.resource.attributes.find(
          (attribute) => attribute.key === 'service.name',
        )?.value.stringValue;
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            received.push({
              ...span,
              serviceName,
              attributes: Object.fromEntries(
                (span.attributes ?? []).map((attribute) => [
                  attribute.key,
                  attributeValue(attribute.value),
                ]),
              ),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  tracer = await createRunTracer(
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'patchbay-test' },
    logger,
  );
  t = await startTestApp({ tracer });
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
  await tracer?.shutdown();
  await new Promise((resolve) => receiver?.close(resolve));
});

const nanos = (value: string | number) => BigInt(value);

async function tracedSpans(runId: string, count: number) {
  const traceId = runId.replaceAll('-', '');
  await vi.waitFor(
    async () => {
      await tracer.forceFlush();
      expect(received.filter((span) => span.traceId === traceId)).toHaveLength(count);
    },
    { timeout: 15_000 },
  );
  const spans = received.filter((span) => span.traceId === traceId);
  return {
    runs: spans.filter((span) => span.name === 'patchbay.run'),
    steps: spans.filter((span) => span.name === 'patchbay.step'),
  };
}

async function spansOfRun(runId: string, count: number) {
  const { runs, steps } = await tracedSpans(runId, count);
  expect(runs).toHaveLength(1);
  return { run: runs[0]!, steps };
}

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('exports one run span and a child span per step, with their attributes, as OTLP/HTTP JSON', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Traced',
      document: chainFlow('Traced', [transformNode('double', '$ * 2')]),
    });
    const started = await t.client.flows.run.mutate({ id: flow.id, input: 21 });
    expect((await waitForRun(t.client, started.runId)).status).toBe('succeeded');

    const { run, steps } = await spansOfRun(started.runId, 3);
    expect(requests[0]).toEqual({ path: '/v1/traces', contentType: 'application/json' });
    expect(run.parentSpanId ?? '').toBe('');
    expect(run.serviceName).toBe('patchbay-test');
    expect(run.attributes).toEqual({
      'patchbay.run.id': started.runId,
      'patchbay.flow.id': flow.id,
      'patchbay.flow.name': 'Traced',
      'patchbay.run.trigger': 'manual',
      'patchbay.run.execution': 1,
      'patchbay.run.status': 'succeeded',
    });
    expect(steps.map((step) => step.attributes)).toEqual(
      expect.arrayContaining([
        {
          'patchbay.node.id': 'trigger',
          'patchbay.node.type': 'trigger.manual',
          'patchbay.step.attempt': 1,
          'patchbay.step.status': 'succeeded',
        },
        {
          'patchbay.node.id': 'double',
          'patchbay.node.type': 'transform.jsonata',
          'patchbay.step.attempt': 1,
          'patchbay.step.status': 'succeeded',
        },
      ]),
    );
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      expect(step.parentSpanId).toBe(run.spanId);
      // Inside the run's span, and not ending before starting.
      expect(nanos(step.startTimeUnixNano)).toBeGreaterThanOrEqual(nanos(run.startTimeUnixNano));
      expect(nanos(step.endTimeUnixNano)).toBeLessThanOrEqual(nanos(run.endTimeUnixNano));
      expect(nanos(step.endTimeUnixNano)).toBeGreaterThanOrEqual(nanos(step.startTimeUnixNano));
    }
    const [first, second] = [...steps].sort((a, b) =>
      nanos(a.startTimeUnixNano) < nanos(b.startTimeUnixNano) ? -1 : 1,
    );
    expect(first?.attributes['patchbay.node.id']).toBe('trigger');
    expect(nanos(second!.startTimeUnixNano)).toBeGreaterThanOrEqual(nanos(first!.endTimeUnixNano));
  });

  it('marks a failed run and its failed step with the error code and an error status', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Traced failure',
      document: chainFlow('Traced failure', [transformNode('boom', '$error("nope")')]),
    });
    const started = await t.client.flows.run.mutate({ id: flow.id });
    const failed = await waitForRun(t.client, started.runId);
    expect(failed.status).toBe('failed');

    const { run, steps } = await spansOfRun(started.runId, 3);
    expect(run.attributes).toMatchObject({
      'patchbay.run.status': 'failed',
      'patchbay.error.code': failed.error?.code,
    });
    expect(run.status?.code).toBe(2); // ERROR
    const boom = steps.find((step) => step.attributes['patchbay.node.id'] === 'boom');
    expect(boom?.attributes).toMatchObject({
      'patchbay.step.status': 'failed',
      'patchbay.error.code': failed.error?.code,
    });
    expect(boom?.status).toMatchObject({ code: 2, message: failed.error?.message });
  });
});

describe('spans end on every path', () => {
  it('a cancelled run ends its span as cancelled, and the attempt it cut short as recorded', async () => {
    upstream.script('/hang', { latencyMs: 30_000 });
    const flow = await t.client.flows.create.mutate({
      name: 'Traced cancel',
      document: chainFlow('Traced cancel', [httpNode('wait', `${upstream.url}/hang`)]),
    });
    const started = await t.client.flows.run.mutate({ id: flow.id });
    await vi.waitFor(() => expect(upstream.hits('/hang')).toBe(1), { timeout: 15_000 });
    await t.client.runs.cancel.mutate({ id: started.runId });
    expect((await waitForRun(t.client, started.runId)).status).toBe('cancelled');

    const { run, steps } = await spansOfRun(started.runId, 3);
    expect(run.attributes).toMatchObject({
      'patchbay.run.status': 'cancelled',
      'patchbay.error.code': 'RUN_CANCELLED',
    });
    // The attempt was aborted: the executor records it failed with the cancellation's code.
    const wait = steps.find((step) => step.attributes['patchbay.node.id'] === 'wait');
    expect(wait?.parentSpanId).toBe(run.spanId);
    expect(wait?.endTimeUnixNano).toBeDefined();
    expect(nanos(wait!.endTimeUnixNano)).toBeLessThanOrEqual(nanos(run.endTimeUnixNano));
    const detail = await waitForRun(t.client, started.runId);
    const recorded = detail.steps.find((step) => step.nodeId === 'wait');
    expect(wait?.attributes).toMatchObject({
      'patchbay.step.status': recorded?.status,
      'patchbay.error.code': recorded?.error?.code,
    });
  });

  it('a run suspended for a retry delay and resumed is two run spans of one trace', async () => {
    upstream.script('/flaky', (call) => (call === 1 ? { status: 503 } : { status: 200 }));
    const flow = await t.client.flows.create.mutate({
      name: 'Traced resume',
      // The delay is longer than the worker sleeps on (inlineWaitMaxMs): the run suspends.
      document: chainFlow('Traced resume', [
        httpNode('flaky', `${upstream.url}/flaky`, {
          retry: { maxAttempts: 2, initialDelayMs: 1_500, jitter: 0 },
        }),
      ]),
    });
    const started = await t.client.flows.run.mutate({ id: flow.id });
    expect((await waitForRun(t.client, started.runId, 20_000)).status).toBe('succeeded');

    // Execution 1: trigger, flaky attempt 1. Execution 2: flaky attempt 2.
    const { runs, steps } = await tracedSpans(started.runId, 5);
    const [first, second] = [...runs].sort(
      (a, b) =>
        Number(a.attributes['patchbay.run.execution']) -
        Number(b.attributes['patchbay.run.execution']),
    );
    expect(first?.attributes).toMatchObject({
      'patchbay.run.execution': 1,
      'patchbay.run.status': 'suspended',
    });
    expect(second?.attributes).toMatchObject({
      'patchbay.run.execution': 2,
      'patchbay.run.status': 'succeeded',
    });
    const attempts = steps
      .filter((step) => step.attributes['patchbay.node.id'] === 'flaky')
      .map((step) => ({
        parent: step.parentSpanId,
        attempt: step.attributes['patchbay.step.attempt'],
        status: step.attributes['patchbay.step.status'],
        waitReason: step.attributes['patchbay.step.wait_reason'],
      }));
    expect(attempts).toEqual(
      expect.arrayContaining([
        { parent: first?.spanId, attempt: 1, status: 'failed', waitReason: undefined },
        { parent: second?.spanId, attempt: 2, status: 'succeeded', waitReason: 'retry' },
      ]),
    );
  });
});

describe('with the OTEL_* variables unset', () => {
  it('uses the no-op tracer and never loads the SDK', async () => {
    const load = vi.fn(async () => {
      throw new Error('the SDK must not be loaded');
    });
    expect(await createRunTracer({}, logger, load)).toBe(NOOP_RUN_TRACER);
    expect(
      await createRunTracer(
        { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl },
        logger,
        load,
      ),
    ).toBe(NOOP_RUN_TRACER);
    expect(load).not.toHaveBeenCalled();
    // The no-op tracer's span ignores everything.
    const span = NOOP_RUN_TRACER.startRun({
      runId: 'r',
      flowId: 'f',
      flowName: undefined,
      trigger: 'manual',
      execution: 1,
    });
    expect(() => span.end({ status: 'succeeded' })).not.toThrow();
  });
});
