/** flows.setActive: the switch, who may flip it, its audit entry, and what it lets triggers do. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { trpcErrorCode, trpcFailure } from '../test-support/trpc-failure.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('flows.setActive', () => {
  it('starts new and imported flows switched off', async () => {
    const created = await t.client.flows.create.mutate({ name: 'New flow' });
    expect(created).toMatchObject({ active: false, activatedAt: null });
    const imported = await t.client.flows.import.mutate({
      document: chainFlow('Imported', [transformNode('t', '$')]),
    });
    expect(imported).toMatchObject({ active: false, activatedAt: null });
    const listed = await t.client.flows.list.query();
    expect(listed.filter((flow) => flow.active)).toEqual([]);
  });

  it('switches a flow on and off, and list and get say so', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Switched' });
    const on = await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    expect(on).toMatchObject({ id: flow.id, name: 'Switched', active: true, nodeCount: 1 });
    expect(Date.now() - new Date(on.activatedAt ?? 0).getTime()).toBeLessThan(60_000);
    expect(await t.client.flows.get.query({ id: flow.id })).toMatchObject({ active: true });
    const listed = await t.client.flows.list.query({ search: 'Switched' });
    expect(listed.map((row) => [row.id, row.active])).toEqual([[flow.id, true]]);

    // Switching on again keeps the original switch-on time.
    const again = await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    expect(again.activatedAt).toBe(on.activatedAt);

    const off = await t.client.flows.setActive.mutate({ id: flow.id, active: false });
    expect(off).toMatchObject({ active: false, activatedAt: on.activatedAt });
    expect(await t.client.flows.get.query({ id: flow.id })).toMatchObject({ active: false });
  });

  it('lets editors switch flows, not viewers, and records each switch in the audit log', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Audited switch' });
    const viewer = await t.userWithRole('viewer');
    expect(
      await trpcErrorCode(viewer.client.flows.setActive.mutate({ id: flow.id, active: true })),
    ).toBe('FORBIDDEN');
    expect(await t.client.flows.get.query({ id: flow.id })).toMatchObject({ active: false });

    const editor = await t.userWithRole('editor');
    await editor.client.flows.setActive.mutate({ id: flow.id, active: true });
    const { items } = await t.client.audit.list.query({ actorId: editor.id });
    expect(items[0]).toMatchObject({
      action: 'flows.setActive',
      outcome: 'ok',
      targetType: 'flows',
      targetId: flow.id,
      details: { active: true },
    });
    const denied = await t.client.audit.list.query({ actorId: viewer.id });
    expect(denied.items[0]).toMatchObject({ action: 'flows.setActive', outcome: 'denied' });
  });

  it('refuses unknown and deleted flows, and switches a flow off when it is deleted', async () => {
    const missing = await trpcFailure(
      t.client.flows.setActive.mutate({ id: '00000000-0000-4000-8000-000000000000', active: true }),
    );
    expect(missing.code).toBe('NOT_FOUND');

    const flow = await t.client.flows.create.mutate({ name: 'Deleted while on' });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await t.client.flows.delete.mutate({ id: flow.id });
    const deleted = await t.client.flows.list.query({ deleted: true });
    expect(deleted.find((row) => row.id === flow.id)).toMatchObject({ active: false });
    expect(
      await trpcErrorCode(t.client.flows.setActive.mutate({ id: flow.id, active: true })),
    ).toBe('NOT_FOUND');
  });

  it('runs a switched-off flow by hand, but refuses a trigger run until it is switched on', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Manual while off',
      document: chainFlow('Manual while off', [transformNode('t', '{"got": x}')]),
    });
    const manual = await t.client.flows.run.mutate({ id: flow.id, input: { x: 1 } });
    expect(await waitForRun(t.client, manual.runId)).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
    });

    await expect(
      t.services.runs.start({ flowId: flow.id, input: {}, trigger: 'schedule' }),
    ).rejects.toMatchObject({
      code: 'FLOW_INACTIVE',
      message: expect.stringContaining('Flow "Manual while off" is switched off'),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    const scheduled = await t.services.runs.start({
      flowId: flow.id,
      input: { x: 2 },
      trigger: 'schedule',
    });
    expect(await waitForRun(t.client, scheduled.runId)).toMatchObject({
      status: 'succeeded',
      trigger: 'schedule',
    });
  });

  it('keeps callers of flows.run to the manual and api trigger kinds', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Caller kinds' });
    const failure = await trpcFailure(
      t.client.flows.run.mutate({
        id: flow.id,
        // @ts-expect-error: schedule runs are started by the schedule, not by callers
        trigger: 'schedule',
      }),
    );
    expect(failure.code).toBe('BAD_REQUEST');
  });

  it('refuses to switch on a flow whose latest version no longer validates', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Broken later' });
    // A node type that went away since the save (e.g. a connector removed).
    await t.prisma.$executeRaw`
      UPDATE flow_versions SET document = jsonb_set(document, '{nodes,0,type}', '"trigger.gone"')
       WHERE flow_id = ${flow.id}::uuid`;
    const failure = await trpcFailure(
      t.client.flows.setActive.mutate({ id: flow.id, active: true }),
    );
    expect(failure).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(failure.message).toContain('Broken later');
    expect(await t.client.flows.get.query({ id: flow.id })).toMatchObject({ active: false });
  });
});

describe('run trigger kinds', () => {
  it('are enforced by the database', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Check' });
    await expect(
      t.prisma.$executeRaw`
        INSERT INTO runs (id, flow_id, flow_version_id, trigger, status)
        SELECT gen_random_uuid(), flow_id, id, 'carrier-pigeon', 'queued'
          FROM flow_versions WHERE flow_id = ${flow.id}::uuid`,
    ).rejects.toThrow(/runs_trigger_check/);
  });

  it('are shown and filtered in the run history', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'History kinds',
      document: chainFlow('History kinds', []),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    const manual = await t.client.flows.run.mutate({ id: flow.id });
    const api = await t.client.flows.run.mutate({ id: flow.id, trigger: 'api' });
    const scheduled = await t.services.runs.start({ flowId: flow.id, trigger: 'schedule' });
    for (const run of [manual, api, scheduled]) await waitForRun(t.client, run.runId);

    const all = await t.client.runs.list.query({ flowId: flow.id });
    expect(all.items.map((run) => run.trigger).sort()).toEqual(['api', 'manual', 'schedule']);
    const onlySchedule = await t.client.runs.list.query({ flowId: flow.id, trigger: 'schedule' });
    expect(onlySchedule.items.map((run) => run.id)).toEqual([scheduled.runId]);
    const everywhere = await t.client.runs.list.query({ trigger: 'api' });
    expect(everywhere.items.map((run) => run.id)).toContain(api.runId);
    expect(everywhere.items.every((run) => run.trigger === 'api')).toBe(true);
  });
});
