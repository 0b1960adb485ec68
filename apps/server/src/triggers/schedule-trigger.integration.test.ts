/**
 * trigger.schedule in the server on a fake clock: ticks start real runs with trigger `schedule`,
 * a saved change or a switch-off takes effect at once, `skip` drops a tick while a run is in
 * flight, and the inspector's preview. Runs execute for real; only schedule time is fake.
 */
import { createFakeClock } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

const clock = createFakeClock(new Date('2026-12-04T08:59:00.000Z'));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ triggers: { clock } });
});
afterAll(async () => {
  await t?.close();
});

function scheduledFlow(name: string, config: Record<string, unknown>) {
  return {
    version: 1,
    name,
    nodes: [{ id: 'tick', type: 'trigger.schedule', position: { x: 0, y: 0 }, config }],
    edges: [],
  };
}

async function runsOf(flowId: string) {
  return (await t.client.runs.list.query({ flowId, trigger: 'schedule' })).items;
}

describe('trigger.schedule in the server', () => {
  it('starts a run per tick while on, follows a saved change at once, and stops when off', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Morning',
      document: scheduledFlow('Morning', { cron: '0 9 * * *', timezone: 'Europe/Berlin' }),
    });
    // Off: nothing is armed.
    expect(t.services.triggers.activeTrigger(flow.id)).toBeUndefined();

    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() => expect(t.services.triggers.activeTrigger(flow.id)).toBeDefined());
    expect(t.services.triggers.activeTrigger(flow.id)?.describe()).toMatchObject({
      timezone: 'Europe/Berlin',
      nextFireTimes: [
        '2026-12-05T08:00:00.000Z',
        '2026-12-06T08:00:00.000Z',
        '2026-12-07T08:00:00.000Z',
        '2026-12-08T08:00:00.000Z',
        '2026-12-09T08:00:00.000Z',
      ],
    });

    // Saved as every minute: the new schedule is armed at once, the old one is gone.
    await t.client.flows.update.mutate({
      id: flow.id,
      document: scheduledFlow('Morning', { cron: '* * * * *', timezone: 'Europe/Berlin' }),
    });
    await vi.waitFor(() =>
      expect(t.services.triggers.activeTrigger(flow.id)?.describe()).toMatchObject({
        nextFireTimes: expect.arrayContaining(['2026-12-04T09:00:00.000Z']),
      }),
    );
    clock.advance(60_000);
    await vi.waitFor(async () => expect(await runsOf(flow.id)).toHaveLength(1));
    const [first] = await runsOf(flow.id);
    const run = await waitForRun(t.client, first!.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'schedule',
      input: {
        scheduledAt: '2026-12-04T09:00:00.000Z',
        firedAt: '2026-12-04T09:00:00.000Z',
        timezone: 'Europe/Berlin',
      },
    });
    expect(run.steps.find((step) => step.nodeId === 'tick')?.output).toEqual(run.input);

    // Switched off: the next minute passes without a run.
    await t.client.flows.setActive.mutate({ id: flow.id, active: false });
    await vi.waitFor(() => expect(t.services.triggers.activeTrigger(flow.id)).toBeUndefined());
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(60_000);
    await t.services.triggers.refresh(flow.id);
    expect(await runsOf(flow.id)).toHaveLength(1);
  });

  it('skips a tick while a run of the flow is still queued or running', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'No overlap',
      document: scheduledFlow('No overlap', { cron: '*/10 * * * * *' }),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() => expect(t.services.triggers.activeTrigger(flow.id)).toBeDefined());
    // A run of the flow stays queued: no worker takes it (suspended until far in the future).
    await t.prisma.$executeRaw`
      INSERT INTO runs (id, flow_id, flow_version_id, trigger, status)
      SELECT gen_random_uuid(), flow_id, id, 'manual', 'queued' FROM flow_versions
       WHERE flow_id = ${flow.id}::uuid`;
    clock.advance(10_000);
    // The tick was claimed (no other worker may fire it), then dropped.
    await vi.waitFor(async () => expect(await claimsOf(flow.id)).toHaveLength(1));
    expect(await runsOf(flow.id)).toEqual([]);

    await t.prisma.$executeRaw`
      UPDATE runs SET status = 'cancelled', finished_at = now() WHERE flow_id = ${flow.id}::uuid`;
    clock.advance(10_000);
    await vi.waitFor(async () => expect(await runsOf(flow.id)).toHaveLength(1));
    await t.client.flows.setActive.mutate({ id: flow.id, active: false });
  });

  it('previews the next five fire times in the zone, and names the field at fault', async () => {
    const preview = await t.client.triggers.schedulePreview.query({
      cron: '30 8 * * 1',
      timezone: 'Asia/Kolkata',
    });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.next).toHaveLength(5);
    for (const entry of preview.next) {
      expect(entry.local).toMatch(/T08:30:00\+05:30$/);
      expect(new Date(entry.at).getUTCDay()).toBe(1);
    }
    expect(
      await t.client.triggers.schedulePreview.query({ cron: '* * * * *', timezone: 'Atlantis' }),
    ).toMatchObject({ ok: false, field: 'timezone' });
    expect(await t.client.triggers.schedulePreview.query({ cron: '99 * * * *' })).toEqual({
      ok: false,
      field: 'cron',
      message: 'Cron is not valid: Invalid value for minute: 99',
    });
  });

  it('refuses to save a schedule with a bad cron, naming node and field', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Bad cron' });
    await expect(
      t.client.flows.update.mutate({
        id: flow.id,
        document: scheduledFlow('Bad cron', { cron: 'every morning' }),
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/"tick".*cron.*Cron needs 5 fields/s),
    });
  });
});

async function claimsOf(flowId: string): Promise<string[]> {
  const rows = await t.prisma.$queryRaw<{ key: string }[]>`
    SELECT key FROM trigger_claims WHERE flow_id = ${flowId}::uuid ORDER BY key`;
  return rows.map((row) => row.key);
}
