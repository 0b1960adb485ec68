/**
 * The retention job against a real PostgreSQL: what it deletes and what it keeps, batch sizes,
 * the pruning log, and one pruning process at a time. The pruner's clock is fake: runs are seeded
 * days before its "now".
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@patchbay/engine';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../db/prisma-client.ts';
import { DEFAULT_RUN_PREVIEW_LIMITS, loadRunDetail } from '../runs/run-detail-query.ts';
import { toRunDetail } from '../runs/run-views.ts';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.ts';
import {
  DEFAULT_RETENTION_CONFIG,
  type RetentionConfig,
  retentionConfigFromEnv,
} from './retention-config.ts';
import { RETENTION_LOCK_CLASS, RETENTION_LOCK_KEY, RetentionPruner } from './retention-pruner.ts';
import { retentionStatus } from './retention-status.ts';

const NOW = new Date('2026-12-04T00:00:00.000Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const clock: Clock = {
  now: () => new Date(NOW),
  monotonicMs: () => 0,
  setTimer: () => () => undefined,
};
const logger = pino({ level: 'silent' });

let database: TestDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  prisma = createPrismaClient(database.url, { max: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await database?.drop();
});

beforeEach(async () => {
  await pool.query('TRUNCATE flows, runs, step_runs, pruning_log CASCADE');
});

function pruner(config: Partial<RetentionConfig> = {}, workerId = 'worker-a') {
  return new RetentionPruner({
    pool,
    config: { ...DEFAULT_RETENTION_CONFIG, batchPauseMs: 0, ...config },
    workerId,
    logger,
    clock,
  });
}

async function createFlow(settings?: { maxRunsKept?: number }) {
  const flowId = randomUUID();
  const versionId = randomUUID();
  const document = chainFlow('f', [transformNode('call', '$')], settings);
  await pool.query(
    'INSERT INTO flows (id, name, document, updated_at) VALUES ($1, $2, $3, now())',
    [flowId, `flow ${flowId}`, document],
  );
  await pool.query(
    'INSERT INTO flow_versions (id, flow_id, number, document) VALUES ($1, $2, 1, $3)',
    [versionId, flowId, document],
  );
  return { flowId, versionId };
}

type SeedRun = {
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Days before NOW the run was created (and, when finished, finished a second later). */
  age: number;
  retryOf?: string;
};

/** One run with two steps carrying input and output; returns its id. */
async function seedRun(flow: { flowId: string; versionId: string }, run: SeedRun) {
  const id = randomUUID();
  const created = daysAgo(run.age);
  const finished = ['queued', 'running'].includes(run.status)
    ? null
    : new Date(created.getTime() + 1_000);
  await pool.query(
    `INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, input, created_at,
                       started_at, finished_at, retry_of_run_id)
     VALUES ($1, $2, $3, 'manual', $4, '{"order": 1}', $5, $5, $6, $7)`,
    [id, flow.flowId, flow.versionId, run.status, created, finished, run.retryOf ?? null],
  );
  const stepStatus = run.status === 'failed' ? 'failed' : 'succeeded';
  for (const [index, nodeId] of ['trigger', 'call'].entries()) {
    await pool.query(
      `INSERT INTO step_runs (id, run_id, node_id, node_type, attempt, status, input, output,
                              started_at, finished_at, seq)
       VALUES ($1, $2, $3, 'http.request', 1, $4, '{"in": 1}', '{"out": 2}', $5, $5, $6)`,
      [randomUUID(), id, nodeId, nodeId === 'call' ? stepStatus : 'succeeded', created, index + 1],
    );
  }
  return id;
}

async function seedMany(flow: { flowId: string; versionId: string }, count: number, run: SeedRun) {
  await pool.query(
    `WITH inserted AS (
       INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, created_at, started_at,
                         finished_at)
       SELECT gen_random_uuid(), $1, $2, 'manual', $3, $4::timestamptz - n * interval '1 second', $4,
              $4::timestamptz + interval '1 second'
         FROM generate_series(1, $5) n
       RETURNING id, created_at)
     INSERT INTO step_runs (id, run_id, node_id, node_type, attempt, status, output, started_at, seq)
     SELECT gen_random_uuid(), id, 'trigger', 'trigger.manual', 1, 'succeeded', '{"a": 1}', created_at, 1
       FROM inserted`,
    [flow.flowId, flow.versionId, run.status, daysAgo(run.age), count],
  );
}

async function runIds(): Promise<string[]> {
  const result = await pool.query<{ id: string }>('SELECT id FROM runs ORDER BY id');
  return result.rows.map((row) => row.id).sort();
}

async function stepCount(runId: string): Promise<number> {
  const result = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM step_runs WHERE run_id = $1',
    [runId],
  );
  return result.rows[0]?.n ?? 0;
}

describe('deleting runs older than PATCHBAY_RUN_RETENTION_DAYS', () => {
  it('deletes old finished runs with their steps, and keeps recent and unfinished ones', async () => {
    const flow = await createFlow();
    const oldSucceeded = await seedRun(flow, { status: 'succeeded', age: 31 });
    const oldFailed = await seedRun(flow, { status: 'failed', age: 45 });
    const oldCancelled = await seedRun(flow, { status: 'cancelled', age: 31 });
    const recentSucceeded = await seedRun(flow, { status: 'succeeded', age: 29 });
    const recentFailed = await seedRun(flow, { status: 'failed', age: 1 });
    const oldQueued = await seedRun(flow, { status: 'queued', age: 60 });
    const oldRunning = await seedRun(flow, { status: 'running', age: 60 });
    // Suspended: running with no lease owner, waiting for its wake-up.
    const oldSuspended = await seedRun(flow, { status: 'running', age: 60 });
    await pool.query(
      "UPDATE runs SET lease_owner = NULL, wake_at = now() + interval '1 hour' WHERE id = $1",
      [oldSuspended],
    );

    const result = await pruner({ runRetentionDays: 30 }).prune();

    expect(result).toMatchObject({ outcome: 'done', runsDeleted: 3 });
    expect(await runIds()).toEqual(
      [recentSucceeded, recentFailed, oldQueued, oldRunning, oldSuspended].sort(),
    );
    for (const deleted of [oldSucceeded, oldFailed, oldCancelled]) {
      expect(await stepCount(deleted)).toBe(0);
    }
    expect(await stepCount(recentSucceeded)).toBe(2);
    expect(await stepCount(oldQueued)).toBe(2);
  });

  it('keeps an old failed run while a retry of it is queued, and unlinks finished retries', async () => {
    const flow = await createFlow();
    const sourceOfPending = await seedRun(flow, { status: 'failed', age: 40 });
    const pendingRetry = await seedRun(flow, {
      status: 'queued',
      age: 0,
      retryOf: sourceOfPending,
    });
    const sourceOfFinished = await seedRun(flow, { status: 'failed', age: 40 });
    const finishedRetry = await seedRun(flow, {
      status: 'succeeded',
      age: 2,
      retryOf: sourceOfFinished,
    });

    await pruner({ runRetentionDays: 30 }).prune();

    expect(await runIds()).toEqual([sourceOfPending, pendingRetry, finishedRetry].sort());
    const retry = await pool.query('SELECT retry_of_run_id FROM runs WHERE id = $1', [
      finishedRetry,
    ]);
    expect(retry.rows[0]).toEqual({ retry_of_run_id: null });
  });

  it('deletes nothing by age when the retention is 0 days', async () => {
    const flow = await createFlow();
    const ancient = await seedRun(flow, { status: 'succeeded', age: 3_000 });

    expect(await pruner({ runRetentionDays: 0 }).prune()).toMatchObject({ runsDeleted: 0 });
    expect(await runIds()).toEqual([ancient]);
  });

  it('deletes in statements of at most batchSize runs', async () => {
    const flow = await createFlow();
    await seedMany(flow, 25, { status: 'succeeded', age: 40 });
    await seedMany(flow, 4, { status: 'succeeded', age: 2 });

    const result = await pruner({ runRetentionDays: 30, batchSize: 10 }).prune();

    // 10 + 10 + 5: three statements, no more than 10 runs each; no flow limit, no step pruning.
    expect(result).toMatchObject({ outcome: 'done', runsDeleted: 25, statements: 3 });
    expect(await runIds()).toHaveLength(4);
    const steps = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM step_runs');
    expect(steps.rows[0]?.n).toBe(4);
  });
});

describe('step tests', () => {
  it('deletes step tests older than 7 days and keeps newer ones, whatever the run retention', async () => {
    const flow = await createFlow();
    for (const age of [8, 6]) {
      await pool.query(
        `INSERT INTO step_tests (flow_id, node_id, node_type, status, started_at, duration_ms)
         VALUES ($1, 'call', 'http.request', 'succeeded', $2, 5)`,
        [flow.flowId, daysAgo(age)],
      );
    }
    await pruner({ runRetentionDays: 0 }).prune();
    const { rows } = await pool.query<{ started_at: Date }>('SELECT started_at FROM step_tests');
    expect(rows.map((row) => row.started_at.getTime())).toEqual([daysAgo(6).getTime()]);
  });
});

describe("a flow's settings.maxRunsKept", () => {
  it('keeps only the newest finished runs of that flow, and every unfinished one', async () => {
    const limited = await createFlow({ maxRunsKept: 3 });
    const unlimited = await createFlow();
    const runs: string[] = [];
    for (let age = 10; age >= 5; age -= 1) {
      runs.push(await seedRun(limited, { status: age % 2 ? 'failed' : 'succeeded', age }));
    }
    const running = await seedRun(limited, { status: 'running', age: 11 });
    const other: string[] = [];
    for (let age = 10; age >= 5; age -= 1) {
      other.push(await seedRun(unlimited, { status: 'succeeded', age }));
    }

    const result = await pruner({ runRetentionDays: 30, batchSize: 2 }).prune();

    expect(result).toMatchObject({ runsDeleted: 0, runsOverFlowLimitDeleted: 3 });
    // runs[] is oldest first: the three newest finished are kept.
    expect(await runIds()).toEqual([...runs.slice(3), running, ...other].sort());
  });
});

describe('PATCHBAY_STEP_DATA_RETENTION_DAYS', () => {
  it("clears old succeeded runs' step input and output, and keeps failed runs' data", async () => {
    const flow = await createFlow();
    const oldSucceeded = await seedRun(flow, { status: 'succeeded', age: 8 });
    const oldFailed = await seedRun(flow, { status: 'failed', age: 8 });
    const recentSucceeded = await seedRun(flow, { status: 'succeeded', age: 6 });

    const result = await pruner({ runRetentionDays: 30, stepDataRetentionDays: 7 }).prune();

    expect(result).toMatchObject({ runsDeleted: 0, runsStepDataPruned: 1 });
    const steps = await pool.query<{ run_id: string; input: unknown; output: unknown }>(
      'SELECT run_id, input, output FROM step_runs ORDER BY run_id, node_id',
    );
    const dataOf = (runId: string) =>
      steps.rows
        .filter((row) => row.run_id === runId)
        .map(({ input, output }) => ({ input, output }));
    expect(dataOf(oldSucceeded)).toEqual([
      { input: null, output: null },
      { input: null, output: null },
    ]);
    expect(dataOf(oldFailed)).toEqual([
      { input: { in: 1 }, output: { out: 2 } },
      { input: { in: 1 }, output: { out: 2 } },
    ]);
    expect(dataOf(recentSucceeded)).toHaveLength(2);
    expect(dataOf(recentSucceeded)[0]).toEqual({ input: { in: 1 }, output: { out: 2 } });
    const marks = await pool.query<{ id: string; step_data_pruned_at: Date | null }>(
      'SELECT id, step_data_pruned_at FROM runs',
    );
    const marked = marks.rows.filter((row) => row.step_data_pruned_at !== null);
    expect(marked).toEqual([{ id: oldSucceeded, step_data_pruned_at: NOW }]);

    // runs.get tells the UI when the step data was pruned.
    const detail = await loadRunDetail(pool, oldSucceeded, DEFAULT_RUN_PREVIEW_LIMITS);
    expect(detail && toRunDetail(detail.run, detail.steps)).toMatchObject({
      stepDataPrunedAt: NOW.toISOString(),
      steps: [{ output: null }, { output: null }],
    });
    const kept = await loadRunDetail(pool, recentSucceeded, DEFAULT_RUN_PREVIEW_LIMITS);
    expect(kept && toRunDetail(kept.run, kept.steps)).toMatchObject({ stepDataPrunedAt: null });

    // The run's own input stays; a second pass has nothing left to prune.
    const run = await pool.query('SELECT input FROM runs WHERE id = $1', [oldSucceeded]);
    expect(run.rows[0]).toEqual({ input: { order: 1 } });
    expect(await pruner({ runRetentionDays: 30, stepDataRetentionDays: 7 }).prune()).toMatchObject({
      runsStepDataPruned: 0,
    });
  });
});

describe('the pruning log and one pruner at a time', () => {
  it('records every pass, and system.retention shows the settings and the latest passes', async () => {
    const flow = await createFlow();
    await seedRun(flow, { status: 'succeeded', age: 31 });
    await seedRun(flow, { status: 'succeeded', age: 9 });
    const config = { ...DEFAULT_RETENTION_CONFIG, runRetentionDays: 30, stepDataRetentionDays: 7 };

    await pruner(config, 'worker-a').prune();
    await pruner(config, 'worker-b').prune();

    const log = await pool.query(
      `SELECT worker_id, started_at, finished_at, runs_deleted, runs_step_data_pruned, error
         FROM pruning_log ORDER BY id`,
    );
    expect(log.rows).toEqual([
      {
        worker_id: 'worker-a',
        started_at: NOW,
        finished_at: NOW,
        runs_deleted: 1,
        runs_step_data_pruned: 1,
        error: null,
      },
      {
        worker_id: 'worker-b',
        started_at: NOW,
        finished_at: NOW,
        runs_deleted: 0,
        runs_step_data_pruned: 0,
        error: null,
      },
    ]);
    const status = await retentionStatus(prisma, config);
    expect(status.settings).toEqual({
      runRetentionDays: 30,
      stepDataRetentionDays: 7,
      intervalMs: DEFAULT_RETENTION_CONFIG.intervalMs,
    });
    expect(status.passes).toHaveLength(2);
    expect(status.passes.map((pass) => pass.runsDeleted).sort()).toEqual([0, 1]);
    expect(status.passes.every((pass) => !pass.failed && pass.finishedAt !== null)).toBe(true);
  });

  it('skips the pass while another process holds the pruning lock', async () => {
    const flow = await createFlow();
    const old = await seedRun(flow, { status: 'succeeded', age: 31 });
    const other = await pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1, $2)', [
        RETENTION_LOCK_CLASS,
        RETENTION_LOCK_KEY,
      ]);
      expect(await pruner({ runRetentionDays: 30 }).prune()).toEqual({ outcome: 'skipped' });
      expect(await runIds()).toEqual([old]);
      const log = await pool.query('SELECT count(*)::int AS n FROM pruning_log');
      expect(log.rows[0]).toEqual({ n: 0 });
    } finally {
      await other.query('SELECT pg_advisory_unlock($1, $2)', [
        RETENTION_LOCK_CLASS,
        RETENTION_LOCK_KEY,
      ]);
      other.release();
    }
    expect(await pruner({ runRetentionDays: 30 }).prune()).toMatchObject({ runsDeleted: 1 });
  });

  it('lets one of two pruners started together prune, and the other skip', async () => {
    const flow = await createFlow();
    await seedMany(flow, 30, { status: 'failed', age: 40 });
    const slow = { runRetentionDays: 30, batchSize: 5, batchPauseMs: 50 };

    const results = await Promise.all([
      pruner(slow, 'worker-a').prune(),
      pruner(slow, 'worker-b').prune(),
    ]);

    expect(results.map((result) => result.outcome).sort()).toEqual(['done', 'skipped']);
    expect(results.find((result) => result.outcome === 'done')).toMatchObject({
      runsDeleted: 30,
      statements: 7,
    });
    const log = await pool.query('SELECT count(*)::int AS n FROM pruning_log');
    expect(log.rows[0]).toEqual({ n: 1 });
  });
});

describe('retentionConfigFromEnv', () => {
  it('keeps runs 30 days and step data as long by default', () => {
    expect(retentionConfigFromEnv({})).toMatchObject({
      runRetentionDays: 30,
      stepDataRetentionDays: undefined,
      batchSize: 500,
    });
  });

  it('reads both settings, and refuses step data kept longer than runs', () => {
    expect(
      retentionConfigFromEnv({
        PATCHBAY_RUN_RETENTION_DAYS: '90',
        PATCHBAY_STEP_DATA_RETENTION_DAYS: '7',
      }),
    ).toMatchObject({ runRetentionDays: 90, stepDataRetentionDays: 7 });
    expect(() =>
      retentionConfigFromEnv({
        PATCHBAY_RUN_RETENTION_DAYS: '7',
        PATCHBAY_STEP_DATA_RETENTION_DAYS: '14',
      }),
    ).toThrow(/PATCHBAY_STEP_DATA_RETENTION_DAYS \(14\) must be shorter/);
    expect(() => retentionConfigFromEnv({ PATCHBAY_RUN_RETENTION_DAYS: 'forever' })).toThrow(
      'PATCHBAY_RUN_RETENTION_DAYS must be a whole number of at least 0, got "forever"',
    );
  });
});
