/**
 * Tracing in a real server process configured only by the standard environment: with
 * OTEL_EXPORTER_OTLP_ENDPOINT set, a run's spans reach the OTLP/HTTP receiver, at the latest when
 * the process stops (its shutdown flushes the batch).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  chainFlow,
  createApi,
  importFlow,
  waitForRunsFinal,
} from '../support/api-client.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string };

let database: TestDatabase;
let receiver: Server;
let server: ServerProcess | undefined;
let api: Api;
const spans: Span[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: Span[] }[] }[];
      };
      for (const resource of body.resourceSpans) {
        for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  database = await createTestDatabase();
  server = await startServer({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  });
  api = await createApi(server);
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await database?.drop();
});

describe('a server with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('exports the run span and its step spans, flushed when it stops', async () => {
    const flowId = await importFlow(
      api,
      chainFlow('Traced in production', [
        { id: 'shape', type: 'transform.jsonata', config: { expression: '{ "ok": true }' } },
      ]),
    );
    const { runId } = await api.flows.run.mutate({ id: flowId });
    expect((await waitForRunsFinal(database.url, [runId], 15_000)).get(runId)).toBe('succeeded');
    await server?.stop();
    server = undefined;

    const ofRun = spans.filter((span) => span.traceId === runId.replaceAll('-', ''));
    const run = ofRun.find((span) => span.name === 'patchbay.run');
    expect(run).toBeDefined();
    const steps = ofRun.filter((span) => span.name === 'patchbay.step');
    expect(steps).toHaveLength(2);
    for (const step of steps) expect(step.parentSpanId).toBe(run?.spanId);
  });
});
