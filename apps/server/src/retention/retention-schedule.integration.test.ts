/**
 * The pruner as a worker process runs it: on its own schedule, and visible through
 * `system.retention` (what the Runs page shows).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    retention: {
      runRetentionDays: 30,
      stepDataRetentionDays: 7,
      intervalMs: 1_000,
      batchSize: 500,
      batchPauseMs: 0,
    },
  });
});

afterAll(async () => {
  await t?.close();
});

describe('the scheduled pruning job', () => {
  it('prunes old runs on its own, and system.retention shows the pass to a viewer', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'retention schedule',
      document: chainFlow('retention schedule', [transformNode('shape', '$')]),
    });
    const version = await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    const old = await t.prisma.run.create({
      data: {
        flowId: flow.id,
        flowVersionId: version.id,
        trigger: 'manual',
        status: 'succeeded',
        createdAt: at(40),
        startedAt: at(40),
        finishedAt: at(40),
      },
    });
    const recent = await t.prisma.run.create({
      data: {
        flowId: flow.id,
        flowVersionId: version.id,
        trigger: 'manual',
        status: 'succeeded',
        createdAt: at(10),
        startedAt: at(10),
        finishedAt: at(10),
      },
    });

    await vi.waitFor(
      async () => {
        const passes = await t.prisma.pruningLog.findMany({ where: { runsDeleted: { gt: 0 } } });
        expect(passes).toHaveLength(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(await t.prisma.run.findUnique({ where: { id: old.id } })).toBeNull();
    const kept = await t.prisma.run.findUniqueOrThrow({ where: { id: recent.id } });
    expect(kept.stepDataPrunedAt).not.toBeNull();

    const viewer = await t.userWithRole('viewer');
    const status = await viewer.client.system.retention.query();
    expect(status.settings).toEqual({
      runRetentionDays: 30,
      stepDataRetentionDays: 7,
      intervalMs: 1_000,
    });
    expect(status.passes).toContainEqual(
      expect.objectContaining({ runsDeleted: 1, runsStepDataPruned: 1, failed: false }),
    );
    const detail = await viewer.client.runs.get.query({ id: recent.id });
    expect(detail.stepDataPrunedAt).toBe(kept.stepDataPrunedAt?.toISOString());
  });
});

describe('a retry racing the pruner', () => {
  it('answers NOT_FOUND when the run it retries is deleted while the retry is written', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'retention race',
      document: chainFlow('retention race', [transformNode('shape', '$')]),
    });
    const version = await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
    const failed = await t.prisma.run.create({
      data: {
        flowId: flow.id,
        flowVersionId: version.id,
        trigger: 'manual',
        status: 'failed',
        startedAt: new Date(),
        finishedAt: new Date(),
      },
    });
    // A pruning statement that has deleted the run but not committed yet.
    const pruner = new pg.Client({ connectionString: t.database.url });
    await pruner.connect();
    try {
      await pruner.query('BEGIN');
      await pruner.query('DELETE FROM runs WHERE id = $1', [failed.id]);
      const retry = t.client.runs.retry.mutate({ id: failed.id, from: 'start' });
      retry.catch(() => undefined);
      // The retry's insert waits on the deleted row's lock.
      await vi.waitFor(
        async () => {
          const waiting = await pruner.query(
            `SELECT 1 FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          expect(waiting.rowCount).toBeGreaterThanOrEqual(1);
        },
        // The retry's first request in this file can be slow on a loaded CI machine.
        { timeout: 20_000, interval: 20 },
      );
      await pruner.query('COMMIT');
      await expect(retry).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
        message: expect.stringContaining(failed.id),
      });
    } finally {
      await pruner.end();
    }
    expect(await t.prisma.run.count({ where: { retryOfRunId: failed.id } })).toBe(0);
  });
});
