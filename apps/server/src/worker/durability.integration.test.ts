import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { WorkerProcess } from './worker-process.ts';

const LEASE_MS = 2_000;

let t: TestApp;
let upstream: ScriptedUpstream;
/** The worker taking runs: one slot, so that a held slot would show. */
let worker: WorkerProcess;

beforeAll(async () => {
  t = await startTestApp({ worker: { concurrency: 1, leaseMs: LEASE_MS } });
  worker = t.worker!;
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function jobsOf(runId: string): Promise<number> {
  const [row] = await t.prisma.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM graphile_worker._private_jobs
     WHERE payload->>'runId' = ${runId}`;
  return row?.count ?? 0;
}

async function versionOf(flowId: string): Promise<string> {
  const version = await t.prisma.flowVersion.findFirstOrThrow({
    where: { flowId },
    orderBy: { number: 'desc' },
  });
  return version.id;
}

describe('a long retry backoff', () => {
  it('suspends the run without holding a worker slot, and resumes it on time', async () => {
    upstream.script('/flaky', (call) => (call === 1 ? { status: 503 } : { body: { ok: 1 } }));
    const flow = await t.client.flows.create.mutate({
      name: 'Backoff',
      document: chainFlow('Backoff', [
        httpNode('call', `${upstream.url}/flaky`, {
          retry: { maxAttempts: 2, initialDelayMs: 2_500, jitter: 0 },
          breaker: { enabled: false },
        }),
      ]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => {
      const step = await t.prisma.stepRun.findFirst({
        where: { runId, nodeId: 'call', attempt: 2 },
      });
      return step?.status === 'waiting';
    }, 'the second attempt to wait');
    // The waiting step is written first, then the run is parked: wait for the park too.
    await waitUntil(async () => {
      const run = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return run.wakeAt !== null;
    }, 'the run to be parked');

    const suspended = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(suspended).toMatchObject({ status: 'running', leaseOwner: null, executions: 1 });
    expect(suspended.wakeAt!.getTime()).toBeGreaterThan(Date.now() + 1_000);
    await waitUntil(async () => worker.runs.activeRuns === 0, 'the slot to be freed');

    // The only slot is free: another run goes through while this one waits.
    const other = await t.client.flows.create.mutate({ name: 'Meanwhile' });
    const { runId: otherId } = await t.client.flows.run.mutate({ id: other.id });
    expect((await waitForRun(t.client, otherId)).status).toBe('succeeded');
    expect((await t.client.runs.get.query({ id: runId })).status).toBe('running');

    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'succeeded', executions: 2 });
    const attempts = run.steps.filter((step) => step.nodeId === 'call');
    expect(attempts).toMatchObject([
      { attempt: 1, status: 'failed', retryDelayMs: 2_500, waitReason: 'retry' },
      { attempt: 2, status: 'succeeded' },
    ]);
    expect(Date.parse(attempts[1]!.startedAt!)).toBeGreaterThanOrEqual(
      Date.parse(attempts[0]!.nextAttemptAt!) - 5,
    );
    expect(upstream.hits('/flaky')).toBe(2);
  });
});

describe('a rate-limited step', () => {
  it('waits for its token suspended, under the same attempt, remembering since when', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Rate limited',
      document: chainFlow('Rate limited', [
        httpNode('call', `${upstream.url}/limited`, {
          target: 'durability-test-limit',
          rateLimit: { limit: 1, periodMs: 2_500, burst: 1, maxWaitMs: 60_000 },
        }),
      ]),
    });
    const { runId: first } = await t.client.flows.run.mutate({ id: flow.id });
    expect((await waitForRun(t.client, first)).status).toBe('succeeded');
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => {
      const step = await t.prisma.stepRun.findFirst({ where: { runId, nodeId: 'call' } });
      return step?.status === 'waiting';
    }, 'the step to wait for a token');
    await waitUntil(async () => {
      const parked = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return parked.wakeAt !== null;
    }, 'the run to be parked');

    const waiting = await t.prisma.stepRun.findFirstOrThrow({ where: { runId, nodeId: 'call' } });
    expect(waiting).toMatchObject({ attempt: 1, waitReason: 'rate_limited' });
    expect(waiting.waitingSince).not.toBeNull();
    expect(waiting.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'running',
      leaseOwner: null,
    });

    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(run.steps.filter((step) => step.nodeId === 'call')).toMatchObject([
      { attempt: 1, status: 'succeeded', waitReason: null },
    ]);
    expect(upstream.hits('/limited')).toBe(2);
  });
});

describe('a worker that died mid-run', () => {
  it('is detected by the sweeper; the run resumes at the lost step with the same idempotency key', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Crashed',
      document: chainFlow('Crashed', [
        httpNode('first', `${upstream.url}/first`),
        httpNode('slow', `${upstream.url}/slow`),
        httpNode('last', `${upstream.url}/last`),
      ]),
    });
    const versionId = await versionOf(flow.id);
    const dead = { worker: 'dead-host:1:0000', pool: 'pool-dead00000000000000' };
    const ago = (ms: number) => new Date(Date.now() - ms);
    const first = { status: 200, headers: {}, body: { value: 1 } };
    // As a worker leaves it when killed while the "slow" call was under way; written in one
    // transaction so that the worker's own sweeps see all of it or nothing.
    const run = await t.prisma.$transaction(async (tx) => {
      const created = await tx.run.create({
        data: {
          flowId: flow.id,
          flowVersionId: versionId,
          trigger: 'manual',
          status: 'running',
          startedAt: ago(5_000),
          deadlineAt: new Date(Date.now() + 3_600_000),
          executions: 1,
          leaseOwner: dead.worker,
          leaseExpiresAt: ago(500),
        },
      });
      await tx.stepRun.createMany({
        data: [
          {
            runId: created.id,
            nodeId: 'trigger',
            nodeType: 'trigger.manual',
            attempt: 1,
            status: 'succeeded',
            output: {},
            startedAt: ago(4_900),
            finishedAt: ago(4_900),
          },
          {
            runId: created.id,
            nodeId: 'first',
            nodeType: 'http.request',
            attempt: 1,
            status: 'succeeded',
            output: first,
            startedAt: ago(4_800),
            finishedAt: ago(4_700),
          },
          {
            runId: created.id,
            nodeId: 'slow',
            nodeType: 'http.request',
            attempt: 1,
            status: 'running',
            input: first,
            startedAt: ago(4_600),
          },
        ],
      });
      await tx.worker.create({
        data: {
          id: dead.worker,
          role: 'worker',
          pid: 1,
          hostname: 'dead-host',
          concurrency: 1,
          queueWorkerId: dead.pool,
          heartbeatAt: ago(60_000),
        },
      });
      // Its job, still locked by the dead worker's queue pool.
      await tx.$executeRawUnsafe(
        `SELECT graphile_worker.add_job('run', json_build_object('runId', $1::text, 'flowVersionId', $2::text),
           job_key := 'run:' || $1::text)`,
        created.id,
        versionId,
      );
      await tx.$executeRawUnsafe(
        `UPDATE graphile_worker._private_jobs
            SET locked_by = $1, locked_at = now() - interval '1 minute', attempts = 1
          WHERE key = 'run:' || $2::text`,
        dead.pool,
        created.id,
      );
      return created;
    });

    // The worker's own sweeps (every ~LEASE_MS/2) find it; sweeping now only saves time.
    await worker.sweep();
    const recovered = await waitForRun(t.client, run.id, 20_000);

    expect(recovered).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(upstream.hits('/first')).toBe(0); // succeeded before the crash: not called again
    expect(upstream.hits('/slow')).toBe(1);
    expect(upstream.hits('/last')).toBe(1);
    expect(upstream.requests.find((request) => request.path === '/slow')?.idempotencyKey).toBe(
      `${run.id}:slow`,
    );
    const slow = recovered.steps.filter((step) => step.nodeId === 'slow');
    expect(slow).toMatchObject([
      { attempt: 1, status: 'failed', error: { code: 'WORKER_LOST', retryable: true } },
      { attempt: 2, status: 'succeeded' },
    ]);
    expect(slow[0]!.error?.message).toMatch(/Attempt 1 of node "slow"/);
    expect(await t.prisma.worker.count({ where: { id: dead.worker } })).toBe(0);
    await waitUntil(async () => (await jobsOf(run.id)) === 0, 'no job left for the run');

    // A stale job that turns up later changes nothing.
    await t.prisma.$executeRawUnsafe(
      `SELECT graphile_worker.add_job('run', json_build_object('runId', $1::text))`,
      run.id,
    );
    await waitUntil(async () => (await jobsOf(run.id)) === 0, 'the stale job to be done');
    const after = await t.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(upstream.hits('/last')).toBe(1);
  });

  it('gives queued runs without a job, and running runs without an owner, a job again', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Left behind' });
    const versionId = await versionOf(flow.id);
    const old = new Date(Date.now() - 10 * LEASE_MS);
    const base = { flowId: flow.id, flowVersionId: versionId, trigger: 'manual', createdAt: old };
    // As runs were left by a version of Patchbay before the queue, or a lost job.
    const queued = await t.prisma.run.create({ data: { ...base, status: 'queued' } });
    const interrupted = await t.prisma.run.create({
      data: { ...base, status: 'running', startedAt: old },
    });

    await worker.sweep();
    for (const runId of [queued.id, interrupted.id]) {
      expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
    }
    const resumed = await t.client.runs.get.query({ id: interrupted.id });
    expect(resumed.startedAt).toBe(old.toISOString());
  });
});

describe('a worker that lost its lease', () => {
  it('stops the run and writes nothing more; the new owner finishes it', async () => {
    upstream.script('/stolen', (call) => (call === 1 ? { latencyMs: 3_000 } : { body: { ok: 3 } }));
    const flow = await t.client.flows.create.mutate({
      name: 'Stolen',
      document: chainFlow('Stolen', [httpNode('call', `${upstream.url}/stolen`)]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => upstream.hits('/stolen') === 1, 'the call');
    // Another worker took the run over (as after a stall longer than the lease).
    await t.prisma.run.update({
      where: { id: runId },
      data: { leaseOwner: 'thief', leaseExpiresAt: new Date(Date.now() + 3_600_000) },
    });
    await waitUntil(async () => worker.runs.activeRuns === 0, 'the heartbeat to notice');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'running',
      leaseOwner: 'thief',
    });
    expect(
      await t.prisma.stepRun.findFirstOrThrow({ where: { runId, nodeId: 'call', attempt: 1 } }),
    ).toMatchObject({ status: 'running' });

    // The thief dies too: its lease runs out and the run is resumed.
    await t.prisma.run.update({
      where: { id: runId },
      data: { leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    await worker.sweep();
    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(run.steps.filter((step) => step.nodeId === 'call')).toMatchObject([
      { attempt: 1, status: 'failed', error: { code: 'WORKER_LOST' } },
      { attempt: 2, status: 'succeeded' },
    ]);
  });
});

describe('stopping a worker', () => {
  it('waits for in-flight runs that finish within the grace period', async () => {
    const graceful = await t.startWorker({ concurrency: 1, leaseMs: LEASE_MS });
    await worker.stop({ graceMs: 5_000 }); // only the new worker takes runs from here on
    upstream.script('/short', { latencyMs: 300 });
    const flow = await t.client.flows.create.mutate({
      name: 'Short',
      document: chainFlow('Short', [httpNode('call', `${upstream.url}/short`)]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => upstream.hits('/short') === 1, 'the call');
    await graceful.stop({ graceMs: 5_000 });
    const run = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: 'succeeded', executions: 1, leaseOwner: null });
    expect(await t.prisma.worker.count({ where: { id: graceful.id } })).toBe(0);
  });

  it('hands runs still going after the grace period back, and another worker resumes them', async () => {
    const leaving = await t.startWorker({ concurrency: 1, leaseMs: LEASE_MS });
    upstream.script('/long', (call) => (call === 1 ? { latencyMs: 10_000 } : { body: { ok: 2 } }));
    const flow = await t.client.flows.create.mutate({
      name: 'Long',
      document: chainFlow('Long', [httpNode('call', `${upstream.url}/long`)]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => upstream.hits('/long') === 1, 'the long call');

    const stoppedAt = Date.now();
    await leaving.stop({ graceMs: 200 });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    const handedBack = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(handedBack).toMatchObject({ status: 'running', leaseOwner: null });
    expect(await jobsOf(runId)).toBe(1);

    await t.startWorker({ concurrency: 1, leaseMs: LEASE_MS });
    const run = await waitForRun(t.client, runId);
    expect(run).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(run.steps.filter((step) => step.nodeId === 'call')).toMatchObject([
      { attempt: 1, status: 'failed', error: { code: 'WORKER_LOST' } },
      { attempt: 2, status: 'succeeded' },
    ]);
    expect(
      upstream.requests.filter((r) => r.path === '/long').map((r) => r.idempotencyKey),
    ).toEqual([`${runId}:call`, `${runId}:call`]);
  });
});
