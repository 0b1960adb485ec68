/** stats.live over real HTTP: server-sent events read with fetch, signed in with a session cookie. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { signIn } from '../test-support/http-session.ts';
import { sseEvents, subscriptionUrl } from '../test-support/sse-events.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { LiveStatsEvent } from './live-stats.ts';

let t: TestApp;
let cookie: string;

beforeAll(async () => {
  t = await startTestApp();
  const viewer = await t.userWithRole('viewer');
  const session = await signIn(t.baseUrl, { email: viewer.email, password: viewer.password });
  cookie = session.cookie ?? '';
  expect(cookie).not.toBe('');
});
afterAll(async () => {
  await t?.close();
});

function liveUrl(input: Record<string, unknown> = {}): string {
  return subscriptionUrl(t.baseUrl, 'stats.live', input);
}

/** The next live event (skipping tRPC's own connection message). */
async function nextLive(
  events: AsyncGenerator<Record<string, unknown>>,
): Promise<LiveStatsEvent | undefined> {
  for (;;) {
    const { value, done } = await events.next();
    if (done) return undefined;
    if (typeof value.running === 'number') return value as unknown as LiveStatsEvent;
  }
}

describe('stats.live', () => {
  it('sends a signed-in viewer an event after a run finishes, and stops when the client leaves', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Watched',
      document: chainFlow('Watched', [transformNode('noop', '{ "ok": true }')]),
    });
    const controller = new AbortController();
    const response = await fetch(liveUrl({ flowId: flow.id }), {
      headers: { cookie, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    // The request guards' security headers are on the stream too.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const events = sseEvents(response);
    const first = await nextLive(events);
    expect(first).toMatchObject({ running: 0, queued: 0, finishedSinceLast: 0 });
    expect(first?.workersAlive).toBeGreaterThanOrEqual(1);
    await vi.waitFor(async () =>
      expect(await t.prisma.statsLiveWatcher.count()).toBeGreaterThanOrEqual(1),
    );

    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: {} });
    expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
    let finished = 0;
    while (finished < 1) {
      const event = await nextLive(events);
      expect(event).toBeDefined();
      finished += event?.finishedSinceLast ?? 0;
    }
    expect(finished).toBe(1);

    controller.abort();
    await vi.waitFor(() => expect(t.services.stats.liveSubscribers).toBe(0), { timeout: 10_000 });
    // No subscriber left here: runs stop NOTIFYing.
    await vi.waitFor(async () => expect(await t.prisma.statsLiveWatcher.count()).toBe(0), {
      timeout: 10_000,
    });
  }, 60_000);

  it('ends open streams when the server shuts down', async () => {
    const response = await fetch(liveUrl(), { headers: { cookie } });
    const events = sseEvents(response);
    expect(await nextLive(events)).toBeDefined();
    await t.services.stats.stopLive();
    expect(await nextLive(events)).toBeUndefined();
  });

  it('answers 401 without a session', async () => {
    const anonymous = await fetch(liveUrl());
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });
});
