import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../db/pg-pool.ts';
import { chainFlow } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { type ClaimResult, RunStore } from './run-store.ts';

let t: TestApp;
let pool: pg.Pool;
let store: RunStore;

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  pool = createPgPool(t.database.url, pino({ level: 'silent' }));
  store = new RunStore(pool);
});

afterAll(async () => {
  await pool?.end();
  await t?.close();
});

async function queuedRuns(count: number): Promise<string[]> {
  const flow = await t.client.flows.create.mutate({
    name: 'Claims',
    document: chainFlow('Claims', [
      { id: 'shape', type: 'transform.jsonata', config: { expression: '$' } },
    ]),
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await t.client.flows.run.mutate({ id: flow.id })).runId);
  return ids;
}

const claim = (runId: string, owner: string) =>
  store.claim({ runId, owner, leaseMs: 30_000, runTimeoutMs: 60_000 });

describe('RunStore.claim', () => {
  it('claims concurrent requests in one batch, each run once, and reports the rest unclaimable', async () => {
    const [a, b, c] = await queuedRuns(3);
    const results = await Promise.all([
      claim(a!, 'worker-1'),
      claim(b!, 'worker-1'),
      claim(a!, 'worker-1'), // a second job for the same run in the same batch
      claim(c!, 'worker-2'),
    ]);
    const kinds = results.map((result: ClaimResult) => result.kind);
    expect(kinds).toEqual(['claimed', 'claimed', 'not-claimable', 'claimed']);

    const rows = await t.prisma.run.findMany({
      where: { id: { in: [a!, b!, c!] } },
      select: { id: true, status: true, leaseOwner: true, executions: true, deadlineAt: true },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(a!)).toMatchObject({
      status: 'running',
      leaseOwner: 'worker-1',
      executions: 1,
    });
    expect(byId.get(c!)).toMatchObject({
      status: 'running',
      leaseOwner: 'worker-2',
      executions: 1,
    });
    expect(byId.get(a!)?.deadlineAt).not.toBeNull();

    // A run with a live lease is not claimed again, by anyone.
    expect((await claim(a!, 'worker-2')).kind).toBe('not-claimable');
  });
});
