import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlowDocument } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

let t: TestApp;
let upstream: Server;
let upstreamUrl: string;
const upstreamRequests: { url: string; method: string }[] = [];

beforeAll(async () => {
  t = await startTestApp();
  upstream = createServer((req, res) => {
    upstreamRequests.push({ url: req.url ?? '', method: req.method ?? '' });
    if (req.url?.startsWith('/orders')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          orders: [
            { id: 1, total: 30 },
            { id: 2, total: 25 },
          ],
        }),
      );
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('upstream exploded');
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream?.close();
  await t?.close();
});

function ordersFlow(url: string): FlowDocument {
  return {
    version: 1,
    name: 'Orders',
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      { id: 'fetch', type: 'http.request', position: { x: 200, y: 0 }, config: { url } },
      {
        id: 'sum',
        type: 'transform.jsonata',
        position: { x: 400, y: 0 },
        config: {
          expression: '{ "count": $count(body.orders), "total": $sum(body.orders.total) }',
        },
      },
      {
        id: 'big',
        type: 'logic.if',
        position: { x: 600, y: 0 },
        config: { condition: 'total > 50' },
      },
      {
        id: 'alert',
        type: 'transform.jsonata',
        position: { x: 800, y: -100 },
        config: { expression: '"big: " & $string(total)' },
      },
      {
        id: 'ignore',
        type: 'transform.jsonata',
        position: { x: 800, y: 100 },
        config: { expression: '"small"' },
      },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'fetch' },
      { id: 'e2', source: 'fetch', target: 'sum' },
      { id: 'e3', source: 'sum', target: 'big' },
      { id: 'e4', source: 'big', sourceHandle: 'true', target: 'alert' },
      { id: 'e5', source: 'big', sourceHandle: 'false', target: 'ignore' },
    ],
  };
}

describe('running a flow', () => {
  it('runs trigger -> http.request -> transform -> if and persists every step', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Orders',
      document: ordersFlow(`${upstreamUrl}/orders`),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { customer: 'ACME' } });

    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({
      id: runId,
      flowId: flow.id,
      flowName: 'Orders',
      flowVersion: 1,
      trigger: 'manual',
      status: 'succeeded',
      error: null,
      input: { customer: 'ACME' },
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.document.nodes.map((node) => node.id)).toContain('alert');
    expect(upstreamRequests).toContainEqual({ url: '/orders', method: 'GET' });

    const step = (nodeId: string) => run.steps.find((candidate) => candidate.nodeId === nodeId);
    expect(step('trigger')).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      output: { customer: 'ACME' },
    });
    expect(step('fetch')).toMatchObject({
      status: 'succeeded',
      nodeType: 'http.request',
      output: {
        status: 200,
        body: {
          orders: [
            { id: 1, total: 30 },
            { id: 2, total: 25 },
          ],
        },
      },
    });
    expect(step('sum')).toMatchObject({
      status: 'succeeded',
      input: expect.objectContaining({ status: 200 }),
      output: { count: 2, total: 55 },
    });
    expect(step('big')).toMatchObject({
      status: 'succeeded',
      port: 'true',
      output: { count: 2, total: 55 },
    });
    expect(step('alert')).toMatchObject({ status: 'succeeded', output: 'big: 55' });
    expect(step('ignore')).toMatchObject({
      status: 'skipped',
      attempt: 0,
      startedAt: null,
      skipReason: expect.any(String),
    });
    for (const nodeId of ['trigger', 'fetch', 'sum', 'big', 'alert']) {
      expect(step(nodeId)?.startedAt).not.toBeNull();
      expect(step(nodeId)?.finishedAt).not.toBeNull();
    }
    // Steps are ordered by start time: the trigger first, the skipped branch last.
    expect(run.steps[0]?.nodeId).toBe('trigger');
    expect(run.steps.at(-1)?.nodeId).toBe('ignore');

    const rows = await t.prisma.stepRun.findMany({ where: { runId } });
    expect(rows).toHaveLength(6);
    const stored = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(stored).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    expect(stored.finishedAt!.getTime()).toBeGreaterThanOrEqual(stored.startedAt!.getTime());

    const [summary] = await t.client.flows.list.query({ search: 'Orders' });
    expect(summary?.lastRun).toMatchObject({ id: runId, status: 'succeeded' });
  });

  it('records a failing node on its step and on the run', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Failing',
      document: ordersFlow(`${upstreamUrl}/broken`),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, trigger: 'api' });
    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'failed', trigger: 'api', input: null });
    expect(run.error).toMatchObject({ nodeId: 'fetch' });
    expect(run.error?.message).toBeTruthy();
    const fetchStep = run.steps.find((step) => step.nodeId === 'fetch' && step.status === 'failed');
    expect(fetchStep?.error?.message).toBeTruthy();
    expect(run.steps.some((step) => step.nodeId === 'sum' && step.status === 'succeeded')).toBe(
      false,
    );
  });

  it('marks a run failed when its flow version cannot be executed', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Crashing' });
    const [version] = await t.prisma.flowVersion.findMany({ where: { flowId: flow.id } });
    // A run pinned to a version that cannot be executed (e.g. edited by hand in the database).
    await t.prisma.flowVersion.update({
      where: { id: version!.id },
      data: { document: { broken: true } },
    });
    const run = await t.prisma.run.create({
      data: { flowId: flow.id, flowVersionId: version!.id, trigger: 'manual', status: 'queued' },
    });
    await enqueue(run.id);

    // runs.get cannot show a broken document; the row tells.
    const row = () => t.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    await waitUntil(async () => (await row()).status === 'failed', 'the run to fail');
    expect(await row()).toMatchObject({ status: 'failed' });
    expect((await row()).finishedAt).not.toBeNull();
    expect((await row()).error).toMatchObject({ code: 'FLOW_INVALID' });
  });

  it('executes a run once even when its job is delivered several times', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Once' });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    // Extra jobs without the run's key, as a duplicate delivery would be.
    await enqueue(runId, { keyed: false });
    await enqueue(runId, { keyed: false });
    const run = await waitForRun(t.client, runId);
    expect(run.status).toBe('succeeded');
    expect(run.executions).toBe(1);
    expect(run.steps).toHaveLength(1);
    await waitUntil(async () => (await jobCount(runId)) === 0, 'the duplicate jobs to be done');
  });
});

/** Adds a job for a run directly, as the sweeper or a duplicate delivery would. */
async function enqueue(runId: string, options: { keyed?: boolean } = {}) {
  await t.prisma.$executeRawUnsafe(
    `SELECT graphile_worker.add_job('run', json_build_object('runId', $1::text)${
      options.keyed === false ? '' : ", job_key := 'run:' || $1::text"
    })`,
    runId,
  );
}

async function jobCount(runId: string): Promise<number> {
  const [row] = await t.prisma.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM graphile_worker._private_jobs WHERE payload->>'runId' = ${runId}`;
  return row?.count ?? 0;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
