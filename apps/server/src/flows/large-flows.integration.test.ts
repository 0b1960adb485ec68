/**
 * Issue 9: flows of up to MAX_FLOW_NODES nodes are saved, read, exported, imported and run;
 * one node more is refused naming the field; a flow over the limit forced into the database
 * still opens.
 */
import { MAX_FLOW_NODES } from '@patchbay/engine';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonColumn } from '../db/json-column.ts';
import { largeFlow } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('flows at the node limit', () => {
  it(`saves, reads, exports, imports and runs a chain of ${MAX_FLOW_NODES} nodes`, async () => {
    const document = largeFlow('Long chain', MAX_FLOW_NODES, 'chain');
    expect(await t.client.flows.validate.mutate({ document })).toEqual({ issues: [] });
    const flow = await t.client.flows.create.mutate({ name: 'Long chain', document });
    expect(flow.document.nodes).toHaveLength(MAX_FLOW_NODES);

    const moved = structuredClone(document);
    moved.nodes[1]!.position = { x: 5, y: 5 };
    const saved = await t.client.flows.update.mutate({ id: flow.id, document: moved });
    expect(saved.latestVersion).toBe(2);

    const read = await t.client.flows.get.query({ id: flow.id });
    expect(read.document).toEqual({ ...moved, name: 'Long chain' });
    const exported = await t.client.flows.export.query({ id: flow.id });
    const imported = await t.client.flows.import.mutate({ document: exported });
    expect(imported.document).toEqual(exported);

    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { order: 7 } });
    const run = await waitForRun(t.client, runId, 120_000);
    expect(run.status).toBe('succeeded');
    expect(await t.prisma.stepRun.count({ where: { runId } })).toBe(MAX_FLOW_NODES);
    const last = await t.prisma.stepRun.findFirst({
      where: { runId, nodeId: `step_${MAX_FLOW_NODES - 1}` },
    });
    expect(last?.status).toBe('succeeded');
  }, 180_000);

  it(`runs a fan-out of ${MAX_FLOW_NODES} nodes`, async () => {
    const document = largeFlow('Wide fan-out', MAX_FLOW_NODES, 'fan-out');
    const flow = await t.client.flows.create.mutate({ name: 'Wide fan-out', document });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { a: 1 } });
    const run = await waitForRun(t.client, runId, 120_000);
    expect(run.error ?? null).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(await t.prisma.stepRun.count({ where: { runId, status: 'succeeded' } })).toBe(
      MAX_FLOW_NODES,
    );
  }, 180_000);

  it(`refuses ${MAX_FLOW_NODES + 1} nodes with a message naming the field`, async () => {
    const document = largeFlow('Too long', MAX_FLOW_NODES + 1, 'chain');
    const { issues } = await t.client.flows.validate.mutate({ document });
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['nodes'],
        message: `Field "nodes": a flow may hold at most ${MAX_FLOW_NODES} nodes`,
      }),
    ]);
    const error = await t.client.flows.create
      .mutate({ name: 'Too long', document })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).message).toContain(
      `Field "nodes": a flow may hold at most ${MAX_FLOW_NODES} nodes`,
    );
    expect(await t.prisma.flow.count({ where: { name: 'Too long' } })).toBe(0);
  });

  it('opens a flow over the limit that was written into the database, and refuses to run it', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Forced' });
    const document = largeFlow('Forced', MAX_FLOW_NODES + 500, 'chain');
    await t.prisma.flowVersion.create({
      data: { flowId: flow.id, number: 2, document: toJsonColumn(document) },
    });
    await t.prisma.flow.update({
      where: { id: flow.id },
      data: { document: toJsonColumn(document) },
    });
    const read = await t.client.flows.get.query({ id: flow.id });
    expect(read.document.nodes).toHaveLength(MAX_FLOW_NODES + 500);
    expect(read.latestVersion).toBe(2);
    const error = await t.client.flows.run
      .mutate({ id: flow.id })
      .catch((caught: unknown) => caught as TRPCClientError<never>);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).message).toContain(
      `a flow may hold at most ${MAX_FLOW_NODES} nodes`,
    );
  });
});
