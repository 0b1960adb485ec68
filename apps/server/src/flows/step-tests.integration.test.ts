/**
 * flows.testStep (issue 9): one node executed alone, through the executor as in a run, with
 * upstream data given or taken from an earlier run; recorded in step_tests, never as a run.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlowDocument } from '@patchbay/engine';
import { TRPCClientError } from '@trpc/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
let raw: pg.Pool;
let upstream: Server;
let upstreamUrl: string;
const received: { url: string | undefined; authorization: string | undefined; body: string }[] = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

beforeAll(async () => {
  t = await startTestApp();
  raw = new pg.Pool({ connectionString: t.database.url, max: 1 });
  upstream = createServer(async (request, response) => {
    const body = await bodyOf(request);
    received.push({ url: request.url, authorization: request.headers.authorization, body });
    // A careless upstream that echoes what it got, the credential included.
    const status = request.url?.startsWith('/missing') ? 404 : 200;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ path: request.url, youSent: request.headers.authorization }));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream?.close();
  await raw?.end();
  await t?.close();
});

/** trigger → shape (JSONata) → call (http.request to /orders/{{ $nodes.shape.orderId }}). */
function orderFlow(name: string, credentialId?: string): FlowDocument {
  return chainFlow(name, [
    transformNode('shape', '{ "orderId": $.order }'),
    {
      id: 'call',
      type: 'http.request',
      config: {
        method: 'POST',
        url: `${upstreamUrl}/orders/{{ $nodes.shape.orderId }}`,
        bodyType: 'json',
        body: '{{ { "customer": $trigger.customer } }}',
        ...(credentialId ? { auth: { credentialId } } : {}),
      },
    },
  ]);
}

async function rowsOfFlow(flowId: string) {
  const { rows } = await raw.query<{ runs: number; steps: number; stats: number; tests: number }>(
    `SELECT (SELECT count(*)::int FROM runs WHERE flow_id = $1) AS runs,
            (SELECT count(*)::int FROM step_runs s JOIN runs r ON r.id = s.run_id
              WHERE r.flow_id = $1) AS steps,
            (SELECT count(*)::int FROM run_stats_minute WHERE flow_id = $1) AS stats,
            (SELECT count(*)::int FROM step_tests WHERE flow_id = $1) AS tests`,
    [flowId],
  );
  return rows[0]!;
}

async function rejection(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(TRPCClientError);
  return caught as TRPCClientError<AppRouter>;
}

describe('flows.testStep', () => {
  it('executes one http.request node with upstream data given as input, and records it as a test, not a run', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Orders',
      document: orderFlow('Orders'),
    });
    const before = received.length;
    const result = await t.client.flows.testStep.mutate({
      flowId: flow.id,
      nodeId: 'call',
      input: { trigger: { customer: 'Ada' }, nodes: { shape: { orderId: 42 } } },
    });
    expect(result).toMatchObject({
      flowId: flow.id,
      nodeId: 'call',
      status: 'succeeded',
      output: { status: 200, body: { path: '/orders/42' } },
    });
    expect(typeof result.durationMs).toBe('number');
    expect(received.slice(before)).toEqual([
      { url: '/orders/42', authorization: undefined, body: JSON.stringify({ customer: 'Ada' }) },
    ]);

    expect(await rowsOfFlow(flow.id)).toEqual({ runs: 0, steps: 0, stats: 0, tests: 1 });
    const [listed] = await t.client.flows.stepTests.query({ flowId: flow.id, limit: 5 });
    expect(listed).toMatchObject({
      testId: result.testId,
      nodeId: 'call',
      nodeType: 'http.request',
      status: 'succeeded',
      userId: t.owner.id,
      input: { orderId: 42 },
      output: result.output,
    });
    expect((await t.client.runs.list.query({ flowId: flow.id })).items).toEqual([]);
  });

  it('takes upstream outputs and the trigger input from an earlier run', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Replay',
      document: orderFlow('Replay'),
    });
    const { runId } = await t.client.flows.run.mutate({
      id: flow.id,
      input: { order: 7, customer: 'Grace' },
    });
    expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
    const runRows = await rowsOfFlow(flow.id);

    const before = received.length;
    const result = await t.client.flows.testStep.mutate({ flowId: flow.id, nodeId: 'call', runId });
    expect(result).toMatchObject({ status: 'succeeded', output: { body: { path: '/orders/7' } } });
    expect(received.slice(before)).toEqual([
      { url: '/orders/7', authorization: undefined, body: JSON.stringify({ customer: 'Grace' }) },
    ]);
    expect(await rowsOfFlow(flow.id)).toEqual({ ...runRows, tests: 1 });
  });

  it("tests the editor's unsaved document when one is given", async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Draft',
      document: orderFlow('Draft'),
    });
    const edited = orderFlow('Draft');
    edited.nodes[1]!.config = { expression: '{ "orderId": $.order * 100 }' };
    const result = await t.client.flows.testStep.mutate({
      flowId: flow.id,
      nodeId: 'shape',
      document: edited,
      input: { trigger: { order: 3 } },
    });
    expect(result).toMatchObject({ status: 'succeeded', output: { orderId: 300 } });
  });

  it('uses a pinned output for step tests only, and keeps it through save, export and import', async () => {
    const document = orderFlow('Pinned');
    document.nodes[1] = { ...document.nodes[1]!, pinnedOutput: { orderId: 99 } };
    const flow = await t.client.flows.create.mutate({ name: 'Pinned', document });
    const exported = await t.client.flows.export.query({ id: flow.id });
    expect(exported.nodes[1]?.pinnedOutput).toEqual({ orderId: 99 });
    const imported = await t.client.flows.import.mutate({ document: exported });
    expect(imported.document.nodes[1]?.pinnedOutput).toEqual({ orderId: 99 });

    const tested = await t.client.flows.testStep.mutate({ flowId: flow.id, nodeId: 'call' });
    expect(tested).toMatchObject({ status: 'succeeded', output: { body: { path: '/orders/99' } } });
    // A run executes the node: its pinned output is never used.
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { order: 5 } });
    expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
    const call = await t.prisma.stepRun.findFirst({ where: { runId, nodeId: 'call' } });
    expect(call?.output).toMatchObject({ body: { path: '/orders/5' } });

    const tooLarge = orderFlow('Pinned');
    tooLarge.nodes[1] = { ...tooLarge.nodes[1]!, pinnedOutput: 'x'.repeat(300 * 1024) };
    const { issues } = await t.client.flows.validate.mutate({ document: tooLarge });
    expect(issues).toEqual([
      expect.objectContaining({
        nodeId: 'shape',
        path: ['nodes', 1, 'pinnedOutput'],
        message: expect.stringContaining('a pinned output may be at most 256 KiB of JSON'),
      }),
    ]);
  });

  it('redacts the credential in the answer and in the recorded row', async () => {
    const token = 'step-test-bearer-token-7f31';
    const credential = await t.client.credentials.create.mutate({
      name: 'Orders API',
      type: 'httpBearer',
      data: { token },
    });
    const flow = await t.client.flows.create.mutate({
      name: 'Secret',
      document: orderFlow('Secret', credential.id),
    });
    const before = received.length;
    const result = await t.client.flows.testStep.mutate({
      flowId: flow.id,
      nodeId: 'call',
      input: { trigger: { customer: 'Ada' }, nodes: { shape: { orderId: 1 } } },
    });
    expect(received.at(before)?.authorization).toBe(`Bearer ${token}`);
    expect(result).toMatchObject({
      status: 'succeeded',
      output: { body: { youSent: 'Bearer ***' } },
    });
    const { rows } = await raw.query<{ row: string }>(
      'SELECT row_to_json(s)::text AS row FROM step_tests s WHERE id = $1',
      [result.testId],
    );
    expect(rows[0]?.row).toContain('Bearer ***');
    expect(rows[0]?.row).not.toContain(token);
  });

  it('returns a failure with its code, node and field, and records it', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Failing',
      document: orderFlow('Failing'),
    });
    const notFound = await t.client.flows.testStep.mutate({
      flowId: flow.id,
      nodeId: 'call',
      document: {
        ...orderFlow('Failing'),
        nodes: orderFlow('Failing').nodes.map((node) =>
          node.id === 'call' ? { ...node, config: { url: `${upstreamUrl}/missing` } } : node,
        ),
      },
      input: { nodes: { shape: {} } },
    });
    expect(notFound).toMatchObject({ status: 'failed', error: { code: 'HTTP_STATUS' } });
    expect(notFound.error?.message).toContain('404');

    const badTemplate = await t.client.flows.testStep.mutate({
      flowId: flow.id,
      nodeId: 'call',
      input: { nodes: { shape: { orderId: { nested: true } } } },
      document: {
        ...orderFlow('Failing'),
        nodes: orderFlow('Failing').nodes.map((node) =>
          node.id === 'call'
            ? {
                ...node,
                config: {
                  url: `${upstreamUrl}/orders/{{ $nodes.shape.orderId.nested.$undefinedFn() }}`,
                },
              }
            : node,
        ),
      },
    });
    expect(badTemplate).toMatchObject({ status: 'failed', error: { field: 'url' } });
    const listed = await t.client.flows.stepTests.query({
      flowId: flow.id,
      nodeId: 'call',
      limit: 10,
    });
    expect(listed.map((test) => test.status)).toEqual(['failed', 'failed']);
    expect(listed[1]?.error).toMatchObject({ code: 'HTTP_STATUS' });
  });

  it('refuses the trigger, an unknown node and a node not connected, naming the field', async () => {
    const document = orderFlow('Refusals');
    document.nodes.push({
      id: 'loose',
      type: 'transform.jsonata',
      position: { x: 0, y: 300 },
      config: { expression: '$' },
    });
    const flow = await t.client.flows.create.mutate({ name: 'Refusals', document });
    for (const [nodeId, message] of [
      ['trigger', /is the flow's trigger/],
      ['nowhere', /has no node "nowhere"/],
      ['loose', /not connected to the flow's trigger/],
    ] as const) {
      const error = await rejection(t.client.flows.testStep.mutate({ flowId: flow.id, nodeId }));
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST' });
      expect(error.message).toMatch(message);
      expect(JSON.stringify(error.shape)).toContain('input.nodeId');
    }
    expect((await rowsOfFlow(flow.id)).tests).toBe(0);
  });

  it('refuses a viewer, and lets a viewer list the tests', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Viewer',
      document: orderFlow('Viewer'),
    });
    const viewer = await t.userWithRole('viewer');
    const error = await rejection(
      viewer.client.flows.testStep.mutate({
        flowId: flow.id,
        nodeId: 'shape',
        input: { trigger: { order: 1 } },
      }),
    );
    expect(error.data?.code).toBe('FORBIDDEN');
    expect((await rowsOfFlow(flow.id)).tests).toBe(0);
    expect(await viewer.client.flows.stepTests.query({ flowId: flow.id })).toEqual([]);
  });
});
