/**
 * runs.list filters and text search (issue 8) on real Postgres: a known set of runs, each filter
 * and combinations compared with the same filter applied in JS, keyset pages under concurrent
 * inserts, and bad input naming its field.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import type { RunStatus, RunTrigger } from './run-status.ts';

type Seeded = {
  id: string;
  flowId: string;
  status: RunStatus;
  trigger: RunTrigger;
  createdAt: Date;
  input: unknown;
  error: { code: string; message: string; nodeId?: string } | null;
};

let t: TestApp;
const flowIds: string[] = [];
/** Newest first: (createdAt desc, id desc). */
const seeded: Seeded[] = [];
const base = Date.parse('2026-11-01T00:00:00.000Z');
const CODES = ['CIRCUIT_OPEN', 'HTTP_500', 'TIMEOUT'] as const;
const NODES = ['fetch-orders', 'post-invoice'] as const;
const STATUSES: RunStatus[] = ['succeeded', 'failed', 'succeeded', 'cancelled', 'failed'];
const TRIGGERS: RunTrigger[] = ['manual', 'api', 'webhook', 'schedule', 'error'];

function byNewest(a: Seeded, b: Seeded) {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);
}

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  for (const name of ['Orders', 'Invoices', 'Refunds']) {
    flowIds.push((await t.client.flows.create.mutate({ name })).id);
  }
  const versions = await t.prisma.flowVersion.findMany({ where: { flowId: { in: flowIds } } });
  for (let i = 0; i < 60; i++) {
    const flowId = flowIds[i % 3]!;
    const status = STATUSES[i % STATUSES.length]!;
    const trigger = TRIGGERS[i % TRIGGERS.length]!;
    // Triples share a timestamp: the id tie-breaker is exercised.
    const createdAt = new Date(base + Math.floor(i / 3) * 60_000);
    const input = { customer: i % 4 === 0 ? `Zoë Müller ${i}` : `customer-${i}`, amount: i * 10 };
    const error =
      status === 'failed'
        ? {
            code: CODES[i % CODES.length]!,
            message: `upstream api${i % 2}.example.com said no (${i % 7 === 0 ? 'quota_exceeded' : 'bad gateway'})`,
            ...(i % 5 === 1 ? { nodeId: NODES[i % 2]! } : { nodeId: NODES[(i + 1) % 2]! }),
          }
        : null;
    const run = await t.prisma.run.create({
      data: {
        flowId,
        flowVersionId: versions.find((v) => v.flowId === flowId)!.id,
        trigger,
        status,
        createdAt,
        input,
        ...(error ? { error } : {}),
      },
    });
    seeded.push({ id: run.id, flowId, status, trigger, createdAt, input, error });
  }
  seeded.sort(byNewest);
});

afterAll(async () => {
  await t?.close();
});

type ListInput = Parameters<typeof t.client.runs.list.query>[0];

async function walk(filter: ListInput, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result: Awaited<ReturnType<typeof t.client.runs.list.query>> =
      await t.client.runs.list.query({ ...filter, limit, cursor });
    ids.push(...result.items.map((item) => item.id));
    cursor = result.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('Pagination did not end');
}

const ids = (runs: Seeded[]) => runs.map((run) => run.id);

describe('runs.list filters', () => {
  const cases: [string, () => ListInput, (run: Seeded) => boolean][] = [
    [
      'several flows',
      () => ({ flowIds: [flowIds[0]!, flowIds[2]!] }),
      (r) => r.flowId !== flowIds[1],
    ],
    [
      'flowId with flowIds',
      () => ({ flowId: flowIds[1]!, flowIds: [flowIds[2]!] }),
      (r) => r.flowId !== flowIds[0],
    ],
    ['one status', () => ({ status: 'cancelled' }), (r) => r.status === 'cancelled'],
    [
      'several statuses',
      () => ({ status: ['failed', 'cancelled'] }),
      (r) => r.status !== 'succeeded',
    ],
    ['trigger', () => ({ trigger: 'webhook' }), (r) => r.trigger === 'webhook'],
    [
      'time range (from inclusive, to exclusive)',
      () => ({
        from: new Date(base + 5 * 60_000).toISOString(),
        to: new Date(base + 9 * 60_000).toISOString(),
      }),
      (r) =>
        r.createdAt.getTime() >= base + 5 * 60_000 && r.createdAt.getTime() < base + 9 * 60_000,
    ],
    ['error code', () => ({ errorCode: 'HTTP_500' }), (r) => r.error?.code === 'HTTP_500'],
    [
      'failed node',
      () => ({ failedNodeId: 'post-invoice' }),
      (r) => r.error?.nodeId === 'post-invoice',
    ],
    [
      'search in input, case-insensitive, non-ASCII',
      () => ({ search: 'zoë müller' }),
      (r) => JSON.stringify(r.input).toLowerCase().includes('zoë müller'),
    ],
    [
      'search in error message',
      () => ({ search: 'quota_exceeded' }),
      (r) => r.error?.message.includes('quota_exceeded') ?? false,
    ],
    ['search with LIKE wildcards is literal', () => ({ search: 'quota%exceeded' }), () => false],
    [
      'combination',
      () => ({
        flowIds: [flowIds[0]!, flowIds[1]!],
        status: ['failed'],
        errorCode: 'CIRCUIT_OPEN',
        search: 'api1.example',
        from: new Date(base).toISOString(),
      }),
      (r) =>
        r.flowId !== flowIds[2] &&
        r.status === 'failed' &&
        r.error?.code === 'CIRCUIT_OPEN' &&
        r.error.message.includes('api1.example'),
    ],
  ];

  for (const [name, filterOf, predicate] of cases) {
    it(`${name}: exactly the matching runs, newest first, across pages`, async () => {
      const filter = filterOf();
      const want = ids(seeded.filter(predicate));
      if (name !== 'search with LIKE wildcards is literal') expect(want.length).toBeGreaterThan(0);
      for (const limit of [1, 4, 100]) expect(await walk(filter, limit)).toEqual(want);
      const first = await t.client.runs.list.query({ ...filter, limit: 2 });
      // Small tables are counted exactly.
      expect(first).toMatchObject({ total: want.length, totalExact: true });
    });
  }

  it('the total of all runs is exact on a small table', async () => {
    expect(await t.client.runs.list.query({})).toMatchObject({
      total: seeded.length,
      totalExact: true,
    });
  });

  it('keyset pages neither overlap nor skip while runs are inserted', async () => {
    const version = await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flowIds[0]! } });
    const walked: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result: Awaited<ReturnType<typeof t.client.runs.list.query>> =
        await t.client.runs.list.query({ limit: 7, cursor });
      walked.push(...result.items.map((item) => item.id));
      // New runs arrive between pages (and during the next page's query).
      const inserted = Promise.all(
        [0, 1, 2].map(() =>
          t.prisma.run.create({
            data: {
              flowId: flowIds[0]!,
              flowVersionId: version.id,
              trigger: 'api',
              status: 'queued',
            },
          }),
        ),
      );
      cursor = result.nextCursor;
      await inserted;
      if (!cursor) break;
    }
    // The walk began before the inserts: it holds every seeded run once, in order.
    expect(walked).toEqual(ids(seeded));
    await t.prisma.run.deleteMany({ where: { status: 'queued' } });
  });
});

describe('runs.list bad input', () => {
  async function fieldErrors(input: unknown): Promise<Record<string, string[] | undefined>> {
    try {
      await t.client.runs.list.query(input as ListInput);
    } catch (error) {
      expect(error).toBeInstanceOf(TRPCClientError);
      const data = (error as TRPCClientError<never>).data as unknown as {
        code: string;
        zodError: { fieldErrors: Record<string, string[] | undefined> } | null;
      };
      expect(data.code).toBe('BAD_REQUEST');
      return data.zodError?.fieldErrors ?? {};
    }
    throw new Error('expected an error');
  }

  it('names the field', async () => {
    expect(Object.keys(await fieldErrors({ search: 'ab' }))).toEqual(['search']);
    expect((await fieldErrors({ search: ' ab ' })).search?.[0]).toMatch(/at least 3 characters/);
    expect(Object.keys(await fieldErrors({ from: 'yesterday' }))).toEqual(['from']);
    expect(Object.keys(await fieldErrors({ to: '2026-13-01T00:00:00Z' }))).toEqual(['to']);
    expect(Object.keys(await fieldErrors({ status: ['failed', 'exploded'] }))).toEqual(['status']);
    expect(Object.keys(await fieldErrors({ flowIds: [] }))).toEqual(['flowIds']);
    expect(Object.keys(await fieldErrors({ errorCode: '' }))).toEqual(['errorCode']);
    expect(Object.keys(await fieldErrors({ trigger: 'carrier-pigeon' }))).toEqual(['trigger']);
    const reversed = await fieldErrors({
      from: '2026-11-02T00:00:00Z',
      to: '2026-11-01T00:00:00Z',
    });
    expect(reversed.from?.[0]).toBe('from must be before to');
  });

  it('an unknown flow id among flowIds matches nothing, not an error', async () => {
    expect(await walk({ flowIds: ['not-a-flow', flowIds[2]!] }, 50)).toEqual(
      ids(seeded.filter((r) => r.flowId === flowIds[2])),
    );
  });
});
