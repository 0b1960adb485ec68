/**
 * Deleting a flow archives it: its active runs are cancelled first, its run history stays
 * readable, and it cannot run again. Purging a deleted flow removes it with its history.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
let upstream: ScriptedUpstream;

beforeAll(async () => {
  t = await startTestApp();
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

async function waitUntil(check: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rejection(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

describe('flows.delete', () => {
  it('cancels the running and queued runs first and keeps every run readable', async () => {
    upstream.script('/hold', { latencyMs: 10_000 });
    const flow = await t.client.flows.create.mutate({
      name: 'Archived while busy',
      document: chainFlow(
        'Archived while busy',
        [httpNode('call', `${upstream.url}/hold`), transformNode('after', '"never"')],
        { maxConcurrentRuns: 1 },
      ),
    });
    const running = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(() => upstream.hits('/hold') === 1, 'the first run to call out');
    const queued = await t.client.flows.run.mutate({ id: flow.id });

    expect(await t.client.flows.delete.mutate({ id: flow.id })).toEqual({
      id: flow.id,
      cancelledRuns: 2,
    });

    const [stopped, waiting] = await Promise.all([
      waitForRun(t.client, running.runId),
      waitForRun(t.client, queued.runId),
    ]);
    for (const run of [stopped, waiting]) {
      expect(run).toMatchObject({
        status: 'cancelled',
        flowId: flow.id,
        flowName: 'Archived while busy',
        flowDeleted: true,
        error: { code: 'RUN_CANCELLED' },
      });
    }
    expect(stopped.steps.find((step) => step.nodeId === 'call')?.status).toBe('failed');
    expect(stopped.steps.some((step) => step.nodeId === 'after')).toBe(false);
    expect(upstream.hits('/hold')).toBe(1); // the queued run never called out

    const history = await t.client.runs.list.query({ flowId: flow.id });
    expect(history.items.map((run) => run.id).sort()).toEqual([running.runId, queued.runId].sort());
    expect(history.items.every((run) => run.flowDeleted)).toBe(true);
  });

  it('hides the flow, refuses new runs and retries, and lists it among deleted flows', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Archived',
      document: chainFlow('Archived', [transformNode('fail', '$error("boom")')]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    expect((await waitForRun(t.client, runId)).status).toBe('failed');

    expect(await t.client.flows.delete.mutate({ id: flow.id })).toEqual({
      id: flow.id,
      cancelledRuns: 0,
    });

    // One call at a time: calls started together would reject before being awaited.
    for (const read of [
      () => t.client.flows.get.query({ id: flow.id }),
      () => t.client.flows.export.query({ id: flow.id }),
      () => t.client.flows.update.mutate({ id: flow.id, name: 'Back' }),
      () => t.client.flows.delete.mutate({ id: flow.id }),
    ]) {
      expect((await rejection(read())).data?.code).toBe('NOT_FOUND');
    }
    const refused = await rejection(t.client.flows.run.mutate({ id: flow.id }));
    expect(refused.data?.code).toBe('PRECONDITION_FAILED');
    expect(refused.message).toBe(
      'Flow "Archived" was deleted, so it cannot run. Its run history is kept until an admin purges it.',
    );
    for (const from of ['failed_step', 'start'] as const) {
      const retry = await rejection(t.client.runs.retry.mutate({ id: runId, from }));
      expect(retry.data?.code).toBe('PRECONDITION_FAILED');
    }

    const active = await t.client.flows.list.query({ search: 'Archived' });
    expect(active.map((listed) => listed.id)).not.toContain(flow.id);
    const deleted = await t.client.flows.list.query({ search: 'Archived', deleted: true });
    expect(deleted.find((listed) => listed.id === flow.id)).toMatchObject({
      name: 'Archived',
      lastRun: { id: runId, status: 'failed' },
    });
    expect(deleted.find((listed) => listed.id === flow.id)?.deletedAt).not.toBeNull();
    expect((await t.client.runs.get.query({ id: runId })).flowDeleted).toBe(true);
  });
});

describe('flows.purge', () => {
  it('removes a deleted flow with its versions, runs and steps', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Purged',
      document: chainFlow('Purged', [transformNode('shape', '{ "x": 1 }')]),
    });
    const runs = await Promise.all([
      t.client.flows.run.mutate({ id: flow.id }),
      t.client.flows.run.mutate({ id: flow.id }),
    ]);
    for (const { runId } of runs) await waitForRun(t.client, runId);
    await t.client.flows.delete.mutate({ id: flow.id });

    expect(await t.client.flows.purge.mutate({ id: flow.id })).toEqual({
      id: flow.id,
      purgedRuns: 2,
    });
    expect(await t.prisma.flow.count({ where: { id: flow.id } })).toBe(0);
    expect(await t.prisma.flowVersion.count({ where: { flowId: flow.id } })).toBe(0);
    expect(await t.prisma.run.count({ where: { flowId: flow.id } })).toBe(0);
    expect(
      await t.prisma.stepRun.count({ where: { runId: { in: runs.map((run) => run.runId) } } }),
    ).toBe(0);
    expect((await rejection(t.client.runs.get.query({ id: runs[0]!.runId }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('refuses a flow that is not deleted, or missing', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Still here' });
    const refused = await rejection(t.client.flows.purge.mutate({ id: flow.id }));
    expect(refused.data?.code).toBe('PRECONDITION_FAILED');
    expect(refused.message).toContain('is not deleted');
    expect(await t.prisma.flow.count({ where: { id: flow.id } })).toBe(1);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await rejection(t.client.flows.purge.mutate({ id: missing }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('is for admins only', async () => {
    const editor = await t.userWithRole('editor');
    const flow = await t.client.flows.create.mutate({ name: 'Editors cannot purge' });
    await editor.client.flows.delete.mutate({ id: flow.id });
    const refused = await rejection(editor.client.flows.purge.mutate({ id: flow.id }));
    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(await t.prisma.flow.count({ where: { id: flow.id } })).toBe(1);
  });
});
