/**
 * The pruner as a worker process runs it: on its own schedule, and visible through
 * `system.retention` (what the Runs page shows).
 */
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
