/** runs.retryMany and runs.cancelMany: partial success, per-run refusals, roles and the audit log. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, httpNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { trpcFailure } from '../test-support/trpc-failure.ts';

let t: TestApp;
let upstream: ScriptedUpstream;

const noRetry = { retry: { maxAttempts: 1 }, breaker: { enabled: false } };

beforeAll(async () => {
  t = await startTestApp();
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

/** A flow calling `path` once (no retries), run `count` times to completion. */
async function finishedRuns(name: string, path: string, count: number) {
  const flow = await t.client.flows.create.mutate({
    name,
    document: chainFlow(name, [httpNode('call', `${upstream.url}${path}`, noRetry)]),
  });
  const runIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { n: i } });
    await waitForRun(t.client, runId);
    runIds.push(runId);
  }
  return { flow, runIds };
}

describe('runs.retryMany', () => {
  it('retries the failed runs from the failed step and refuses the others, naming each', async () => {
    upstream.script('/flaky', { status: 500 });
    const { runIds: failed } = await finishedRuns('Flaky', '/flaky', 3);
    upstream.script('/fine', { body: { ok: true } });
    const {
      runIds: [succeeded],
    } = await finishedRuns('Fine', '/fine', 1);
    const missing = '00000000-0000-4000-8000-000000000000';
    upstream.script('/flaky', { body: { recovered: true } });

    const { results } = await t.client.runs.retryMany.mutate({
      ids: [...failed, succeeded as string, missing, failed[0] as string, 'not-a-uuid'],
    });

    // One result per distinct id, in the order asked.
    expect(results.map((result) => result.id)).toEqual([
      ...failed,
      succeeded,
      missing,
      'not-a-uuid',
    ]);
    expect(results[3]).toEqual({
      id: succeeded,
      ok: false,
      code: 'RUN_NOT_RETRYABLE',
      message: `Run "${succeeded}" is succeeded; only failed or cancelled runs can be retried.`,
    });
    expect(results[4]).toMatchObject({ id: missing, ok: false, code: 'NOT_FOUND' });
    expect(results[4]).toHaveProperty('message', expect.stringContaining(missing));
    expect(results[5]).toMatchObject({ id: 'not-a-uuid', ok: false, code: 'NOT_FOUND' });

    for (const [index, sourceId] of failed.entries()) {
      const result = results[index];
      if (!result?.ok || !result.runId) throw new Error(`run ${sourceId} was not retried`);
      const retried = await waitForRun(t.client, result.runId);
      expect(retried).toMatchObject({
        status: 'succeeded',
        retryOfRunId: sourceId,
        retryMode: 'failed_step',
        input: { n: index },
      });
    }

    // Each run's outcome is in the audit log, like a single runs.retry.
    await t.services.auth.audit.flush();
    const { items } = await t.client.audit.list.query({ action: 'runs.retry', limit: 50 });
    const audited = (id: string) => items.find((entry) => entry.targetId === id);
    expect(audited(failed[0] as string)).toMatchObject({
      outcome: 'ok',
      targetType: 'runs',
      details: {
        from: 'failed_step',
        via: 'runs.retryMany',
        runId: results[0]?.ok && results[0].runId,
      },
    });
    expect(audited(succeeded as string)).toMatchObject({
      outcome: 'failed',
      errorCode: 'RUN_NOT_RETRYABLE',
    });
    // The bulk call itself is audited too (by the audit middleware, as every mutation is).
    const bulk = await t.client.audit.list.query({ action: 'runs.retryMany' });
    expect(bulk.items[0]).toMatchObject({ outcome: 'ok', actorId: t.owner.id });
  });

  it('refuses the runs of a deleted flow, naming the run', async () => {
    upstream.script('/gone', { status: 500 });
    const { flow, runIds } = await finishedRuns('Gone', '/gone', 1);
    await t.client.flows.delete.mutate({ id: flow.id });
    const { results } = await t.client.runs.retryMany.mutate({ ids: runIds, from: 'start' });
    expect(results).toEqual([
      {
        id: runIds[0],
        ok: false,
        code: 'FLOW_DELETED',
        message: expect.stringMatching(new RegExp(`^Run "${runIds[0]}": Flow "Gone" was deleted`)),
      },
    ]);
  });

  it('is refused to a viewer and retries nothing', async () => {
    upstream.script('/viewer', { status: 500 });
    const { runIds } = await finishedRuns('Viewer', '/viewer', 1);
    const viewer = await t.userWithRole('viewer');
    expect(await trpcFailure(viewer.client.runs.retryMany.mutate({ ids: runIds }))).toEqual({
      code: 'FORBIDDEN',
      message: 'Your role (viewer) cannot do this: it takes editor or higher.',
    });
    expect((await trpcFailure(viewer.client.runs.cancelMany.mutate({ ids: runIds }))).code).toBe(
      'FORBIDDEN',
    );
    const retries = await t.prisma.run.count({ where: { retryOfRunId: runIds[0] as string } });
    expect(retries).toBe(0);
  });

  it('takes between 1 and 100 ids', async () => {
    const ids = Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000000');
    expect(await trpcFailure(t.client.runs.retryMany.mutate({ ids }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('At most 100 runs at a time'),
    });
    expect(await trpcFailure(t.client.runs.cancelMany.mutate({ ids: [] }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('Select at least one run'),
    });
  });
});

describe('runs.cancelMany', () => {
  it('cancels queued and running runs and refuses finished ones, naming each', async () => {
    upstream.script('/hold', { latencyMs: 10_000 });
    const flow = await t.client.flows.create.mutate({
      name: 'Hold',
      document: chainFlow('Hold', [httpNode('hold', `${upstream.url}/hold`, noRetry)], {
        maxConcurrentRuns: 1,
      }),
    });
    const running = await t.client.flows.run.mutate({ id: flow.id });
    await vi.waitFor(() => expect(upstream.hits('/hold')).toBe(1), { timeout: 10_000 });
    const queued = await t.client.flows.run.mutate({ id: flow.id });
    expect((await t.client.runs.get.query({ id: queued.runId })).status).toBe('queued');
    const done = await t.client.flows.create.mutate({ name: 'Done' });
    const finished = await t.client.flows.run.mutate({ id: done.id });
    await waitForRun(t.client, finished.runId);

    const { results } = await t.client.runs.cancelMany.mutate({
      ids: [queued.runId, running.runId, finished.runId],
    });
    expect(results).toEqual([
      { id: queued.runId, ok: true, status: 'cancelled' },
      { id: running.runId, ok: true, status: 'cancelling' },
      {
        id: finished.runId,
        ok: false,
        code: 'RUN_FINISHED',
        message: `Run "${finished.runId}" has already succeeded; only queued or running runs can be cancelled.`,
      },
    ]);
    expect((await waitForRun(t.client, running.runId)).status).toBe('cancelled');
    expect((await t.client.runs.get.query({ id: queued.runId })).status).toBe('cancelled');
    expect(upstream.hits('/hold')).toBe(1); // the queued run never called out

    await t.services.auth.audit.flush();
    const { items } = await t.client.audit.list.query({ action: 'runs.cancel', limit: 10 });
    expect(items.map((entry) => [entry.targetId, entry.outcome, entry.errorCode]).sort()).toEqual(
      [
        [queued.runId, 'ok', null],
        [running.runId, 'ok', null],
        [finished.runId, 'failed', 'RUN_FINISHED'],
      ].sort(),
    );
  });
});
