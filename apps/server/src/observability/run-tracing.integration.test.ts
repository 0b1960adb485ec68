/**
 * OpenTelemetry tracing end to end: a worker with tracing on exports, to a local OTLP/HTTP (JSON)
 * receiver, one `patchbay.run` span per execution and one `patchbay.step` child per attempt,
 * with their attributes. With the OTEL_* variables unset, the SDK is not even loaded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
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
});

afterAll(async () => {
  await t?.close();
  await tracer?.shutdown();
  await new Promise((resolve) => receiver?.close(resolve));
});

const nanos = (value: string | number) => BigInt(value);

async function spansOfRun(runId: string, count: number) {
  const traceId = runId.replaceAll('-', '');
  await vi.waitFor(
    async () => {
      await tracer.forceFlush();
      expect(received.filter((span) => span.traceId === traceId)).toHaveLength(count);
    },
    { timeout: 15_000 },
  );
  const spans = received.filter((span) => span.traceId === traceId);
  const run = spans.filter((span) => span.name === 'patchbay.run');
  expect(run).toHaveLength(1);
  return { run: run[0]!, steps: spans.filter((span) => span.name === 'patchbay.step') };
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
