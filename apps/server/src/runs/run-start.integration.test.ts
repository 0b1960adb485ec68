import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
let upstream: ScriptedUpstream;

beforeAll(async () => {
  // Every run goes through the queue here (run-intake.integration.test.ts covers inline runs).
  t = await startTestApp({ inline: false });
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

async function runsOf(flowId: string) {
  return t.prisma.run.count({ where: { flowId } });
}

describe('starting a run', () => {
  it('records a queued run and its job together: a failing enqueue leaves no run', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Atomic' });
    // Every insert into the job queue fails, as add_job would on a broken queue.
    await t.prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_job() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'job queue unavailable'; END $$`);
    await t.prisma.$executeRawUnsafe(`
      CREATE TRIGGER refuse_job BEFORE INSERT ON graphile_worker._private_jobs
      FOR EACH ROW EXECUTE FUNCTION refuse_job()`);
    try {
      const failed = await t.client.flows.run.mutate({ id: flow.id }).catch((error) => error);
      expect(failed).toBeInstanceOf(TRPCClientError);
      expect(await runsOf(flow.id)).toBe(0);
    } finally {
      await t.prisma.$executeRawUnsafe('DROP TRIGGER refuse_job ON graphile_worker._private_jobs');
      await t.prisma.$executeRawUnsafe('DROP FUNCTION refuse_job()');
    }

    const { runId, deduplicated } = await t.client.flows.run.mutate({ id: flow.id });
    expect(deduplicated).toBe(false);
    expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
    expect(await runsOf(flow.id)).toBe(1);
  });

  it('returns the existing run for a repeated idempotency key', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Idempotent' });
    const first = await t.client.flows.run.mutate({
      id: flow.id,
      input: { order: 1 },
      idempotencyKey: 'order-1',
    });
    const again = await t.client.flows.run.mutate({
      id: flow.id,
      input: { order: 1 },
      idempotencyKey: 'order-1',
    });
    expect(first.deduplicated).toBe(false);
    expect(again).toEqual({ runId: first.runId, deduplicated: true });

    const other = await t.client.flows.run.mutate({ id: flow.id, idempotencyKey: 'order-2' });
    expect(other.runId).not.toBe(first.runId);
    const run = await waitForRun(t.client, first.runId);
    expect(run).toMatchObject({ status: 'succeeded', idempotencyKey: 'order-1', executions: 1 });
    expect(await runsOf(flow.id)).toBe(2);
  });

  it('creates one run for concurrent starts with the same key', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Racing' });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.caller.flows.run({ id: flow.id, idempotencyKey: 'same-key' }),
      ),
    );
    expect(new Set(results.map((result) => result.runId)).size).toBe(1);
    expect(results.filter((result) => !result.deduplicated)).toHaveLength(1);
    expect(await runsOf(flow.id)).toBe(1);
  });

  it('keys are per flow, and must be 1 to 200 characters', async () => {
    const a = await t.client.flows.create.mutate({ name: 'Key A' });
    const b = await t.client.flows.create.mutate({ name: 'Key B' });
    const runA = await t.client.flows.run.mutate({ id: a.id, idempotencyKey: 'shared' });
    const runB = await t.client.flows.run.mutate({ id: b.id, idempotencyKey: 'shared' });
    expect(runB.runId).not.toBe(runA.runId);
    expect(runB.deduplicated).toBe(false);

    for (const idempotencyKey of ['', 'x'.repeat(201)]) {
      const error = await t.client.flows.run
        .mutate({ id: a.id, idempotencyKey })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    }
  });
});

describe('a flow with maxConcurrentRuns', () => {
  it('never runs more of its runs at once than the limit', async () => {
    upstream.script('/limited', { latencyMs: 150 });
    const flow = await t.client.flows.create.mutate({
      name: 'One at a time',
      document: chainFlow('One at a time', [httpNode('call', `${upstream.url}/limited`)], {
        maxConcurrentRuns: 1,
      }),
    });
    const runIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      runIds.push((await t.client.flows.run.mutate({ id: flow.id })).runId);
    }
    const runs = await Promise.all(runIds.map((runId) => waitForRun(t.client, runId, 20_000)));
    expect(runs.map((run) => run.status)).toEqual(Array(4).fill('succeeded'));
    expect(upstream.hits('/limited')).toBe(4);
    expect(upstream.maxInFlight).toBe(1);
  });
});
