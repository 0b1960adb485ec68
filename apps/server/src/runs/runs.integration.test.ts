import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlowDocument } from '@patchbay/engine';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { InProcessRunDispatcher } from './run-dispatcher.ts';
import { RunExecutor } from './run-executor.ts';
import { recoverInterruptedRuns } from './run-recovery.ts';

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

  it('marks a run failed when the executor itself crashes', async () => {
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
    await t.services.dispatcher.dispatch(run.id);
    await t.services.dispatcher.idle();

    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.status).toBe('failed');
    expect(row.finishedAt).not.toBeNull();
    expect(row.error).toMatchObject({ code: 'FLOW_INVALID' });
  });

  it('executes a run at most once even when dispatched twice', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Once' });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await t.services.dispatcher.dispatch(runId);
    await t.services.dispatcher.idle();
    const run = await waitForRun(t.client, runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps).toHaveLength(1);
  });
});

describe('run recovery and shutdown', () => {
  it('fails interrupted runs and re-dispatches queued ones after a restart', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Recovered' });
    const [version] = await t.prisma.flowVersion.findMany({ where: { flowId: flow.id } });
    const base = { flowId: flow.id, flowVersionId: version!.id, trigger: 'manual' };
    const interrupted = await t.prisma.run.create({
      data: { ...base, status: 'running', startedAt: new Date(Date.now() - 1000) },
    });
    const queued = await t.prisma.run.create({ data: { ...base, status: 'queued' } });

    await recoverInterruptedRuns({
      prisma: t.prisma,
      dispatcher: t.services.dispatcher,
      logger: pino({ level: 'silent' }),
    });
    await t.services.dispatcher.idle();

    const failed = await t.client.runs.get.query({ id: interrupted.id });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'RUN_INTERRUPTED' } });
    expect(failed.durationMs).toBeGreaterThanOrEqual(1000);
    expect((await t.client.runs.get.query({ id: queued.id })).status).toBe('succeeded');
  });

  it('waits for in-flight runs on shutdown, and cancels the ones that overstay', async () => {
    const pending: (() => void)[] = [];
    const slow = createServer((_req, res) => {
      pending.push(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"done":true}');
      });
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
    const logger = pino({ level: 'silent' });
    const newDispatcher = () =>
      new InProcessRunDispatcher(
        new RunExecutor({ prisma: t.prisma, registry: t.services.registry, logger }),
        logger,
      );
    try {
      const flow = await t.client.flows.create.mutate({
        name: 'Slow',
        document: {
          version: 1,
          name: 'Slow',
          nodes: [
            { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
            {
              id: 'wait',
              type: 'http.request',
              position: { x: 1, y: 0 },
              config: { url: slowUrl },
            },
          ],
          edges: [{ id: 'e1', source: 'trigger', target: 'wait' }],
        },
      });
      const [version] = await t.prisma.flowVersion.findMany({ where: { flowId: flow.id } });
      const queueRun = () =>
        t.prisma.run.create({
          data: {
            flowId: flow.id,
            flowVersionId: version!.id,
            trigger: 'manual',
            status: 'queued',
          },
        });
      const waitUntilUpstreamCalled = async (count: number) => {
        for (let i = 0; i < 200 && pending.length < count; i++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(pending).toHaveLength(count);
      };

      // Graceful: shutdown resolves only after the in-flight run finished.
      const graceful = newDispatcher();
      const finished = await queueRun();
      await graceful.dispatch(finished.id);
      await waitUntilUpstreamCalled(1);
      let shutDown = false;
      const shutdown = graceful.shutdown({ graceMs: 10_000 }).then(() => {
        shutDown = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(shutDown).toBe(false);
      await graceful.dispatch((await queueRun()).id); // refused while shutting down: stays queued
      pending[0]!();
      await shutdown;
      expect((await t.prisma.run.findUniqueOrThrow({ where: { id: finished.id } })).status).toBe(
        'succeeded',
      );
      expect(await t.prisma.run.count({ where: { flowId: flow.id, status: 'queued' } })).toBe(1);

      // Overstaying: after the grace period the run is cancelled through its abort signal.
      const impatient = newDispatcher();
      const overstaying = await queueRun();
      await impatient.dispatch(overstaying.id);
      await waitUntilUpstreamCalled(2);
      await impatient.shutdown({ graceMs: 100, cancelMs: 10_000 });
      const cancelled = await t.prisma.run.findUniqueOrThrow({ where: { id: overstaying.id } });
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.finishedAt).not.toBeNull();
      expect(impatient.activeRuns).toBe(0);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });
});
