import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
let upstream: ScriptedUpstream;

/** Failing calls must not open the shared breaker for the next test. */
const noRetry = { retry: { maxAttempts: 1 }, breaker: { enabled: false } };

beforeAll(async () => {
  t = await startTestApp();
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function trpcCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.code;
}

describe('runs.cancel', () => {
  it('cancels a queued run at once and removes its job', async () => {
    upstream.script('/hold', { latencyMs: 1_500 });
    const flow = await t.client.flows.create.mutate({
      name: 'Queue behind',
      document: chainFlow('Queue behind', [httpNode('call', `${upstream.url}/hold`)], {
        maxConcurrentRuns: 1,
      }),
    });
    const busy = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => upstream.hits('/hold') === 1, 'the first run to call out');
    const queued = await t.client.flows.run.mutate({ id: flow.id });
    expect((await t.client.runs.get.query({ id: queued.runId })).status).toBe('queued');

    expect(await t.client.runs.cancel.mutate({ id: queued.runId })).toEqual({
      runId: queued.runId,
      status: 'cancelled',
    });
    const cancelled = await t.client.runs.get.query({ id: queued.runId });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      error: { code: 'RUN_CANCELLED', message: 'Cancelled by the user' },
      startedAt: null,
    });
    expect(cancelled.finishedAt).not.toBeNull();
    // A worker may hold the job locked at this moment (graphile-worker then cannot delete it);
    // it completes the job once it sees the run cancelled.
    await vi.waitFor(
      async () => {
        const [jobs] = await t.prisma.$queryRaw<{ count: number }[]>`
          SELECT count(*)::int AS count FROM graphile_worker.jobs WHERE key = ${`run:${queued.runId}`}`;
        expect(jobs?.count).toBe(0);
      },
      { timeout: 15_000, interval: 100 },
    );

    expect((await waitForRun(t.client, busy.runId)).status).toBe('succeeded');
    expect(upstream.hits('/hold')).toBe(1); // the cancelled run never called out
  });

  it('stops a running run on its worker, which records it cancelled', async () => {
    upstream.script('/slow', { latencyMs: 10_000 });
    const flow = await t.client.flows.create.mutate({
      name: 'Slow',
      document: chainFlow('Slow', [
        httpNode('slow', `${upstream.url}/slow`),
        transformNode('after', '"never"'),
      ]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitUntil(async () => upstream.hits('/slow') === 1, 'the slow call');

    const started = Date.now();
    expect(await t.client.runs.cancel.mutate({ id: runId })).toEqual({
      runId,
      status: 'cancelling',
    });
    const run = await waitForRun(t.client, runId);
    expect(Date.now() - started).toBeLessThan(5_000); // not after the 10 s answer
    expect(run).toMatchObject({
      status: 'cancelled',
      error: { code: 'RUN_CANCELLED', message: 'Cancelled by the user' },
    });
    expect(run.cancelRequestedAt).not.toBeNull();
    const slow = run.steps.find((step) => step.nodeId === 'slow');
    expect(slow?.status).toBe('failed');
    expect(run.steps.some((step) => step.nodeId === 'after' && step.status === 'succeeded')).toBe(
      false,
    );
    expect(upstream.requests.find((request) => request.path === '/slow')?.answered).toBe(false);
  });

  it('refuses to cancel a finished run', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Done' });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitForRun(t.client, runId);
    expect(await trpcCode(t.client.runs.cancel.mutate({ id: runId }))).toBe('PRECONDITION_FAILED');
    expect(await trpcCode(t.client.runs.cancel.mutate({ id: 'missing' }))).toBe('NOT_FOUND');
  });
});

describe('runs.retry', () => {
  function retryFlow(name: string) {
    return chainFlow(name, [
      httpNode('first', `${upstream.url}/first`, noRetry),
      httpNode('second', `${upstream.url}/second`, noRetry),
      transformNode('sum', '{ "first": $nodes.first, "second": $nodes.second }'),
    ]);
  }

  it('from the failed step reuses the outputs of the steps that succeeded', async () => {
    upstream.script('/first', { body: { value: 1 } });
    upstream.script('/second', { status: 500, body: { error: 'down' } });
    const flow = await t.client.flows.create.mutate({
      name: 'Retry me',
      document: retryFlow('Retry me'),
    });
    const { runId: failedId } = await t.client.flows.run.mutate({
      id: flow.id,
      input: { order: 7 },
    });
    const failed = await waitForRun(t.client, failedId);
    expect(failed).toMatchObject({ status: 'failed', error: { nodeId: 'second' } });
    expect(upstream.hits('/first')).toBe(1);
    expect(upstream.hits('/second')).toBe(1);

    upstream.script('/second', { body: { value: 2 } });
    const { runId } = await t.client.runs.retry.mutate({ id: failedId, from: 'failed_step' });
    const retried = await waitForRun(t.client, runId);

    expect(retried).toMatchObject({
      status: 'succeeded',
      retryOfRunId: failedId,
      retryMode: 'failed_step',
      flowVersion: failed.flowVersion,
      input: { order: 7 },
    });
    // The succeeded HTTP step was not called again; the failed one was, under the new run's key.
    expect(upstream.hits('/first')).toBe(1);
    expect(upstream.hits('/second')).toBe(2);
    expect(upstream.requests.at(-1)?.idempotencyKey).toBe(`${runId}:second`);
    const step = (nodeId: string) => retried.steps.find((candidate) => candidate.nodeId === nodeId);
    expect(step('trigger')).toMatchObject({ status: 'succeeded', reusedFromRunId: failedId });
    expect(step('first')).toMatchObject({
      status: 'succeeded',
      reusedFromRunId: failedId,
      output: { status: 200, body: { value: 1 } },
    });
    expect(step('second')).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      reusedFromRunId: null,
    });
    expect(step('sum')?.output).toMatchObject({
      first: { body: { value: 1 } },
      second: { body: { value: 2 } },
    });
  });

  it('from the start runs the latest version and calls every step again', async () => {
    upstream.script('/first', { body: { value: 1 } });
    upstream.script('/second', { status: 500 });
    const flow = await t.client.flows.create.mutate({
      name: 'Start over',
      document: retryFlow('Start over'),
    });
    const { runId: failedId } = await t.client.flows.run.mutate({ id: flow.id });
    expect((await waitForRun(t.client, failedId)).status).toBe('failed');
    const firstHits = upstream.hits('/first');

    // A fix saved as version 2.
    upstream.script('/second-fixed', { body: { value: 2 } });
    const document = retryFlow('Start over');
    document.nodes = document.nodes.map((node) =>
      node.id === 'second'
        ? { ...node, config: { ...node.config, url: `${upstream.url}/second-fixed` } }
        : node,
    );
    await t.client.flows.update.mutate({ id: flow.id, document });

    const { runId } = await t.client.runs.retry.mutate({ id: failedId, from: 'start' });
    const retried = await waitForRun(t.client, runId);
    expect(retried).toMatchObject({
      status: 'succeeded',
      flowVersion: 2,
      retryOfRunId: failedId,
      retryMode: 'start',
    });
    expect(upstream.hits('/first')).toBe(firstHits + 1);
    expect(retried.steps.every((step) => step.reusedFromRunId === null)).toBe(true);
  });

  it('retries only failed or cancelled runs', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Fine' });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    await waitForRun(t.client, runId);
    expect(await trpcCode(t.client.runs.retry.mutate({ id: runId, from: 'failed_step' }))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(await trpcCode(t.client.runs.retry.mutate({ id: 'missing', from: 'start' }))).toBe(
      'NOT_FOUND',
    );
  });
});
