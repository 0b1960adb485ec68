import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { trpcFailure } from '../test-support/trpc-failure.ts';

let upstream: ScriptedUpstream;
const apps: TestApp[] = [];

beforeAll(async () => {
  upstream = await startScriptedUpstream();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await upstream?.close();
});

async function app(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const started = await startTestApp(options);
  apps.push(started);
  return started;
}

async function createFlow(t: TestApp, name: string, settings?: { maxQueuedRuns?: number }) {
  return t.client.flows.create.mutate({
    name,
    document: chainFlow(name, [transformNode('double', '{ "n": $.n * 2 }')], settings),
  });
}

async function jobsOf(t: TestApp, runId: string): Promise<number> {
  const [row] = await t.prisma.$queryRawUnsafe<{ count: number }[]>(
    `SELECT count(*)::int AS count FROM graphile_worker.jobs WHERE key = 'run:' || $1`,
    runId,
  );
  return row?.count ?? 0;
}

/** flows.run over plain HTTP, to read the status code and headers a client gets. */
async function postRun(t: TestApp, flowId: string) {
  const response = await fetch(`${t.baseUrl}/trpc/flows.run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.owner.token}` },
    body: JSON.stringify({ id: flowId, input: { n: 1 } }),
  });
  const body = (await response.json()) as {
    error?: { message: string; data: { code: string; retryAfterSeconds: number | null } };
  };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('a run started while the worker has a free slot', () => {
  it('executes in the process that accepted it, with no queue job', async () => {
    const t = await app();
    const flow = await createFlow(t, 'Inline');
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { n: 21 } });
    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'succeeded', executions: 1 });
    expect(run.steps.find((step) => step.nodeId === 'double')?.output).toEqual({ n: 42 });
    expect(await jobsOf(t, runId)).toBe(0);
  });

  it('records many concurrent starts, each once, and keeps idempotency keys', async () => {
    const t = await app();
    const flow = await createFlow(t, 'Many');
    const starts = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.caller.flows.run({ id: flow.id, input: { n: i }, idempotencyKey: `k${i % 30}` }),
      ),
    );
    expect(new Set(starts.map((start) => start.runId)).size).toBe(30);
    expect(starts.filter((start) => !start.deduplicated)).toHaveLength(30);
    const runs = await Promise.all(
      [...new Set(starts.map((start) => start.runId))].map((id) => waitForRun(t.client, id)),
    );
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    expect(await t.prisma.run.count({ where: { flowId: flow.id } })).toBe(30);
  });

  it('is recovered from its lease when the process dies between the insert and the execution', async () => {
    const t = await app({ worker: { leaseMs: 600 } });
    const flow = await createFlow(t, 'Orphaned inline run');
    // A worker that records the run claimed, then dies before executing it.
    t.services.intake.executeInline({
      workerId: 'dead-process',
      leaseMs: 600,
      reserveInlineSlot: () => true,
      releaseInlineSlot: () => {},
      executeInline: async () => {},
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { n: 2 } });
    expect(await t.prisma.run.findUnique({ where: { id: runId } })).toMatchObject({
      status: 'running',
      leaseOwner: 'dead-process',
      executions: 1,
    });
    expect(await jobsOf(t, runId)).toBe(0);

    // Once the lease has expired, the live worker's sweeper hands it to the queue, and runs it.
    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(await t.prisma.run.findUnique({ where: { id: runId } })).toMatchObject({
      interruptions: 1,
    });
    expect(run.steps.find((step) => step.nodeId === 'double')?.output).toEqual({ n: 4 });
  });
});

describe('a run started while every slot is busy', () => {
  it('is queued with its job, and runs when a slot frees', async () => {
    upstream.script('/slow', { latencyMs: 300 });
    const t = await app({ worker: { concurrency: 1 } });
    const flow = await t.client.flows.create.mutate({
      name: 'Busy',
      document: chainFlow('Busy', [httpNode('call', `${upstream.url}/slow`)]),
    });
    const first = await t.client.flows.run.mutate({ id: flow.id });
    const second = await t.client.flows.run.mutate({ id: flow.id });
    expect(await t.prisma.run.findUnique({ where: { id: second.runId } })).toMatchObject({
      status: 'queued',
    });
    expect(await jobsOf(t, second.runId)).toBe(1);
    const runs = await Promise.all(
      [first, second].map((start) => waitForRun(t.client, start.runId)),
    );
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
  });
});

describe('load shedding', () => {
  it('refuses runs with 503 and Retry-After once too many runs wait, and accepts them again after', async () => {
    const t = await app({
      worker: false,
      shedLimits: { maxQueuedRuns: 3, maxQueueWaitMs: 60_000 },
    });
    const flow = await createFlow(t, 'Shed');
    for (let i = 0; i < 3; i++) expect((await postRun(t, flow.id)).status).toBe(200);
    const refused = await postRun(t, flow.id);
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.error?.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(refused.body.error?.message).toMatch(/shedding load.*Try again in \d+ s/);
    expect(await t.prisma.run.count({ where: { flowId: flow.id } })).toBe(3);

    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', load: { shedding: true } });
    expect(await t.caller.system.status()).toMatchObject({
      shedding: true,
      reason: 'queue-full',
      queuedRuns: 3,
    });

    // A worker drains the queue; the next read of the load lets runs in again.
    const worker = await t.startWorker();
    await expect
      .poll(
        async () => {
          await t.services.queueLoad.refresh();
          return t.services.queueLoad.snapshot().queuedRuns;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(0);
    expect(worker.runs.activeRuns).toBeGreaterThanOrEqual(0);
    expect((await postRun(t, flow.id)).status).toBe(200);
  });

  it('refuses runs with 503 once the oldest waiting run has waited too long', async () => {
    const t = await app({
      worker: false,
      shedLimits: { maxQueuedRuns: 1_000, maxQueueWaitMs: 200 },
    });
    const flow = await createFlow(t, 'Slow queue');
    expect((await postRun(t, flow.id)).status).toBe(200);
    await expect
      .poll(
        async () => {
          await t.services.queueLoad.refresh();
          return t.services.queueLoad.snapshot().oldestWaitMs;
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBeGreaterThanOrEqual(200);
    const refused = await postRun(t, flow.id);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('1');
  });

  it("refuses a flow's runs with 429 past its own cap, and still accepts other flows' runs", async () => {
    const t = await app({ worker: false });
    const capped = await createFlow(t, 'Capped', { maxQueuedRuns: 2 });
    const other = await createFlow(t, 'Uncapped');
    expect((await postRun(t, capped.id)).status).toBe(200);
    expect((await postRun(t, capped.id)).status).toBe(200);
    const refused = await postRun(t, capped.id);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).not.toBeNull();
    expect(refused.body.error?.message).toContain('Flow "Capped" has as many runs waiting');
    expect(refused.body.error?.data.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    const error = await trpcFailure(t.client.flows.run.mutate({ id: capped.id }));
    expect(error.code).toBe('TOO_MANY_REQUESTS');

    expect((await postRun(t, other.id)).status).toBe(200);
    expect(await t.prisma.run.count({ where: { flowId: capped.id } })).toBe(2);
  });
});
