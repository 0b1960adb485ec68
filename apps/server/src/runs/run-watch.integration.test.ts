/**
 * runs.watch over real HTTP with a real worker: server-sent events read with fetch, signed in as
 * a viewer, while the run's HTTP step waits on an upstream the test releases.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { signIn } from '../test-support/http-session.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { sseEvents, subscriptionUrl } from '../test-support/sse-events.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import type { RunDetail } from './run-views.ts';

let t: TestApp;
let upstream: ScriptedUpstream;
let cookie: string;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  t = await startTestApp();
  const viewer = await t.userWithRole('viewer');
  cookie =
    (await signIn(t.baseUrl, { email: viewer.email, password: viewer.password })).cookie ?? '';
  expect(cookie).not.toBe('');
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

function watch(id: string, signal?: AbortSignal): Promise<Response> {
  return fetch(subscriptionUrl(t.baseUrl, 'runs.watch', { id }), {
    headers: { cookie, accept: 'text/event-stream' },
    ...(signal ? { signal } : {}),
  });
}

/** The run snapshots of a stream (skipping tRPC's connection message), until it ends. */
async function* snapshots(response: Response): AsyncGenerator<RunDetail> {
  for await (const event of sseEvents(response)) {
    if (typeof event.status === 'string' && Array.isArray(event.steps)) {
      yield event as unknown as RunDetail;
    }
  }
}

function stepStatus(run: RunDetail, nodeId: string): string | undefined {
  return run.steps.filter((step) => step.nodeId === nodeId).at(-1)?.status;
}

function createHeldFlow(name: string, path: string) {
  return t.client.flows.create.mutate({
    name,
    document: chainFlow(name, [
      httpNode('fetch', `${upstream.url}${path}`),
      transformNode('shape', '{ "status": $nodes.fetch.status }'),
    ]),
  });
}

describe('runs.watch', () => {
  it('streams a run from running to succeeded with its steps, then ends', async () => {
    let release = () => {};
    upstream.script('/held', { until: new Promise<void>((resolve) => (release = resolve)) });
    const flow = await createHeldFlow('Watched run', '/held');
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { orderId: 7 } });

    const response = await watch(runId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = snapshots(response);

    const seen: RunDetail[] = [];
    // Not final, until the HTTP step is under way and held by the upstream.
    for (;;) {
      const { value, done } = await stream.next();
      expect(done).toBe(false);
      if (!value) break;
      seen.push(value);
      expect(['queued', 'running']).toContain(value.status);
      if (stepStatus(value, 'fetch') === 'running') break;
    }
    expect(seen[0]).toMatchObject({ id: runId, input: { orderId: 7 } });

    release();
    for await (const value of stream) seen.push(value);
    const last = seen.at(-1);
    expect(last?.status).toBe('succeeded');
    expect(last?.steps.map((step) => [step.nodeId, step.status])).toEqual([
      ['trigger', 'succeeded'],
      ['fetch', 'succeeded'],
      ['shape', 'succeeded'],
    ]);
    expect(last?.steps.at(-1)?.output).toEqual({ status: 200 });
    // Only the last snapshot is final: the stream ended after it.
    expect(seen.filter((run) => run.status === 'succeeded')).toHaveLength(1);
  }, 60_000);

  it('sends a finished run once and ends', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Finished run',
      document: chainFlow('Finished run', [transformNode('noop', '{ "ok": true }')]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: {} });
    await vi.waitFor(async () =>
      expect((await t.client.runs.get.query({ id: runId })).status).toBe('succeeded'),
    );
    const seen: RunDetail[] = [];
    for await (const value of snapshots(await watch(runId))) seen.push(value);
    expect(seen.map((run) => run.status)).toEqual(['succeeded']);
  });

  it('stops watching when the client goes away', async () => {
    let release = () => {};
    upstream.script('/left', { until: new Promise<void>((resolve) => (release = resolve)) });
    const flow = await createHeldFlow('Left run', '/left');
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: {} });
    const controller = new AbortController();
    const stream = snapshots(await watch(runId, controller.signal));
    expect((await stream.next()).value?.id).toBe(runId);
    await vi.waitFor(() => expect(t.services.runs.watchers).toBe(1));
    controller.abort();
    await vi.waitFor(() => expect(t.services.runs.watchers).toBe(0), { timeout: 10_000 });
    release();
  });

  it('refuses an unknown run with NOT_FOUND', async () => {
    await expect(
      t.caller.runs.watch({ id: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const response = await watch('00000000-0000-4000-8000-000000000000');
    const events: Record<string, unknown>[] = [];
    for await (const event of sseEvents(response)) events.push(event);
    expect(JSON.stringify(events)).toContain('NOT_FOUND');
  });

  it('answers 401 without a session', async () => {
    const anonymous = await fetch(subscriptionUrl(t.baseUrl, 'runs.watch', { id: 'x' }));
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });

  // Last: the hub stays stopped.
  it('ends open streams when the server shuts down', async () => {
    let release = () => {};
    upstream.script('/shutdown', { until: new Promise<void>((resolve) => (release = resolve)) });
    const flow = await createHeldFlow('Shut down', '/shutdown');
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: {} });
    const stream = snapshots(await watch(runId));
    expect((await stream.next()).value?.id).toBe(runId);
    t.services.runs.stopWatching();
    expect((await stream.next()).done).toBe(true);
    release();
  });
});
