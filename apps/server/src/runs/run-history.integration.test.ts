import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import type { RunStatus } from './run-status.ts';

let t: TestApp;
const flowIds: string[] = [];
/** Every seeded run, newest first (createdAt desc, then id desc), as runs.list must return them. */
let expected: { id: string; flowId: string; status: RunStatus }[] = [];

beforeAll(async () => {
  // No worker: the seeded queued and running rows must stay as they are.
  t = await startTestApp({ worker: false });
  for (const name of ['History A', 'History B']) {
    const flow = await t.client.flows.create.mutate({ name });
    flowIds.push(flow.id);
  }
  const versions = await t.prisma.flowVersion.findMany({ where: { flowId: { in: flowIds } } });
  const statuses: RunStatus[] = ['succeeded', 'failed', 'queued', 'running', 'cancelled'];
  const base = Date.parse('2026-11-01T00:00:00.000Z');
  const seeded = [];
  for (let i = 0; i < 23; i++) {
    const flowId = flowIds[i % 2]!;
    const version = versions.find((candidate) => candidate.flowId === flowId)!;
    // Pairs of runs share a timestamp, so the id tie-breaker is exercised.
    const createdAt = new Date(base + Math.floor(i / 2) * 1000);
    const status = statuses[i % statuses.length]!;
    seeded.push(
      await t.prisma.run.create({
        data: { flowId, flowVersionId: version.id, trigger: 'api', status, createdAt },
      }),
    );
  }
  expected = seeded
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((run) => ({ id: run.id, flowId: run.flowId, status: run.status as RunStatus }));
});

afterAll(async () => {
  await t?.close();
});

async function collect(filter: { flowId?: string; status?: RunStatus }, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const result: Awaited<ReturnType<typeof t.client.runs.list.query>> =
      await t.client.runs.list.query({ ...filter, limit, cursor });
    expect(result.items.length).toBeLessThanOrEqual(limit);
    ids.push(...result.items.map((item) => item.id));
    cursor = result.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('Pagination did not end');
}

describe('runs.list', () => {
  it('returns the newest runs first, 20 by default, with summaries', async () => {
    const page = await t.client.runs.list.query({});
    expect(page.items.map((item) => item.id)).toEqual(expected.slice(0, 20).map((run) => run.id));
    expect(page.nextCursor).not.toBeNull();
    expect(page.items[0]).toMatchObject({
      flowName: expect.stringMatching(/^History/),
      flowVersion: 1,
      trigger: 'api',
      startedAt: null,
      error: null,
    });
  });

  it('walks every run exactly once, page by page', async () => {
    for (const limit of [1, 3, 7, 100]) {
      expect(await collect({}, limit)).toEqual(expected.map((run) => run.id));
    }
  });

  it('filters by flow and by status, across pages', async () => {
    const flowId = flowIds[1]!;
    expect(await collect({ flowId }, 4)).toEqual(
      expected.filter((run) => run.flowId === flowId).map((run) => run.id),
    );
    expect(await collect({ status: 'failed' }, 2)).toEqual(
      expected.filter((run) => run.status === 'failed').map((run) => run.id),
    );
    expect(await collect({ flowId, status: 'queued' }, 2)).toEqual(
      expected
        .filter((run) => run.flowId === flowId && run.status === 'queued')
        .map((run) => run.id),
    );
  });

  it('returns an empty page for an unknown flow', async () => {
    expect(await t.client.runs.list.query({ flowId: 'not-a-flow' })).toEqual({
      items: [],
      nextCursor: null,
      total: 0,
      totalExact: true,
    });
  });

  it('rejects a limit outside 1..100, an unknown status and a forged cursor', async () => {
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof TRPCClientError ? error.data?.code : 'other'),
      );
    expect(await codeOf(t.client.runs.list.query({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(t.client.runs.list.query({ limit: 101 }))).toBe('BAD_REQUEST');
    expect(
      await codeOf(t.client.runs.list.query({ status: 'exploded' as unknown as RunStatus })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(t.client.runs.list.query({ cursor: 'forged' }))).toBe('BAD_REQUEST');
  });
});
