/**
 * The trigger manager across processes: what switching a flow on or off, saving it and deleting
 * it does to the activations in every process (through NOTIFY), and what an activation can do.
 * Process A is the test app (`--role=all`); B (`worker`) and C (`server`) are second and third
 * processes' trigger sides on the same database, in this test process, each with its own pools.
 */
import {
  defineConnector,
  defineNodeType,
  PURE_NODE_POLICY,
  type TriggerContext,
} from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CONNECTORS, createConnectorRegistry } from '../connectors.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { startTriggerProcess, type TriggerProcess } from '../test-support/trigger-process.ts';

type LifecycleEvent = { process: string; event: 'activate' | 'deactivate'; versionId: string };

const events: LifecycleEvent[] = [];
/** While true, activating a trigger labelled "broken" fails (as a broker that is down would). */
let refuseBroken = true;
/** The context of each process's live activation, by process and flow. */
const contexts = new Map<string, TriggerContext<{ label: string }>>();

/** A worker-served trigger that records its lifecycle, and a server-served one without activate. */
function lifecycleConnector(process: string) {
  return defineConnector({
    name: 'lifecycle-test',
    title: 'Lifecycle test',
    description: 'Records activations.',
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"/>',
    credentialTypes: [],
    nodeTypes: [
      defineNodeType({
        type: 'test.lifecycle',
        title: 'Lifecycle trigger',
        description: 'Records its activations.',
        category: 'trigger',
        configSchema: z.strictObject({ label: z.string().default('x') }),
        inputs: [],
        outputs: [{ id: 'out', label: 'Output' }],
        sideEffects: false,
        policyDefaults: PURE_NODE_POLICY,
        trigger: {
          kind: 'schedule',
          servedBy: 'worker',
          activate: async (ctx) => {
            if (ctx.config.label === 'broken' && refuseBroken) {
              throw new Error('the upstream is down');
            }
            events.push({ process, event: 'activate', versionId: ctx.flowVersionId });
            contexts.set(`${process}:${ctx.flowId}`, ctx);
            return {
              deactivate: async () => {
                events.push({ process, event: 'deactivate', versionId: ctx.flowVersionId });
                contexts.delete(`${process}:${ctx.flowId}`);
              },
              describe: () => ({ label: ctx.config.label }),
            };
          },
        },
        execute: async (ctx) => ({ output: ctx.input }),
      }),
      defineNodeType({
        type: 'test.ingress',
        title: 'Ingress trigger',
        description: 'Served by the HTTP side, no activate.',
        category: 'trigger',
        configSchema: z.strictObject({ path: z.string().optional() }),
        inputs: [],
        outputs: [{ id: 'out', label: 'Output' }],
        sideEffects: false,
        policyDefaults: PURE_NODE_POLICY,
        trigger: { kind: 'webhook', servedBy: 'server' },
        execute: async (ctx) => ({ output: ctx.input }),
      }),
    ],
  });
}

const registryFor = (process: string) =>
  createConnectorRegistry([...CONNECTORS, lifecycleConnector(process)]);

function lifecycleFlow(name: string, label = 'x') {
  return {
    version: 1,
    name,
    nodes: [
      { id: 'tick', type: 'test.lifecycle', position: { x: 0, y: 0 }, config: { label } },
      {
        id: 'shape',
        type: 'transform.jsonata',
        position: { x: 200, y: 0 },
        config: { expression: '{"seen": $}' },
      },
    ],
    edges: [{ id: 'e', source: 'tick', target: 'shape' }],
  };
}

let t: TestApp;
let b: TriggerProcess;
let c: TriggerProcess;
beforeAll(async () => {
  t = await startTestApp({ connectors: registryFor('A') });
  b = await startTriggerProcess({
    databaseUrl: t.database.url,
    hosts: ['worker'],
    connectors: registryFor('B'),
  });
  c = await startTriggerProcess({
    databaseUrl: t.database.url,
    hosts: ['server'],
    connectors: registryFor('C'),
  });
});
afterAll(async () => {
  await c?.close();
  await b?.close();
  await t?.close();
});

function eventsOf(versionId: string) {
  return events
    .filter((entry) => entry.versionId === versionId)
    .map((entry) => `${entry.process}:${entry.event}`)
    .sort();
}

async function latestVersionId(flowId: string): Promise<string> {
  const version = await t.prisma.flowVersion.findFirstOrThrow({
    where: { flowId },
    orderBy: { number: 'desc' },
  });
  return version.id;
}

describe('the trigger manager', () => {
  it('activates a switched-on flow in every process that serves its trigger, and only there', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Lifecycle',
      document: lifecycleFlow('Lifecycle'),
    });
    const v1 = await latestVersionId(flow.id);
    expect(t.services.triggers.activeTrigger(flow.id)).toBeUndefined();

    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() => expect(eventsOf(v1)).toEqual(['A:activate', 'B:activate']));
    for (const process of [t.services, b.services]) {
      expect(process.triggers.activeTrigger(flow.id)).toMatchObject({
        flowId: flow.id,
        flowName: 'Lifecycle',
        flowVersionId: v1,
        nodeId: 'tick',
        nodeType: 'test.lifecycle',
        kind: 'schedule',
        config: { label: 'x' },
      });
    }
    expect(t.services.triggers.activeTrigger(flow.id)?.describe()).toEqual({ label: 'x' });
    // C serves HTTP only: a worker's trigger is not its business.
    expect(c.services.triggers.activeTrigger(flow.id)).toBeUndefined();

    // Saving a new version replaces the activation everywhere, old one first.
    await t.client.flows.update.mutate({ id: flow.id, document: lifecycleFlow('Lifecycle', 'y') });
    const v2 = await latestVersionId(flow.id);
    await vi.waitFor(() => expect(eventsOf(v2)).toEqual(['A:activate', 'B:activate']));
    expect(eventsOf(v1)).toEqual(['A:activate', 'A:deactivate', 'B:activate', 'B:deactivate']);
    expect(b.services.triggers.activeTrigger(flow.id)).toMatchObject({
      flowVersionId: v2,
      config: { label: 'y' },
    });
    // A rename-free save with the same document makes no version and changes nothing.
    await t.client.flows.update.mutate({ id: flow.id, document: lifecycleFlow('Lifecycle', 'y') });

    // Switched off: deactivated everywhere.
    await t.client.flows.setActive.mutate({ id: flow.id, active: false });
    await vi.waitFor(() =>
      expect(eventsOf(v2)).toEqual(['A:activate', 'A:deactivate', 'B:activate', 'B:deactivate']),
    );
    expect(t.services.triggers.activeTrigger(flow.id)).toBeUndefined();
    expect(b.services.triggers.activeTrigger(flow.id)).toBeUndefined();

    // Switched on again, then deleted: deactivated everywhere.
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() =>
      expect(eventsOf(v2).filter((entry) => entry.endsWith(':activate'))).toHaveLength(4),
    );
    await t.client.flows.delete.mutate({ id: flow.id });
    await vi.waitFor(() => {
      expect(t.services.triggers.activeTrigger(flow.id)).toBeUndefined();
      expect(b.services.triggers.activeTrigger(flow.id)).toBeUndefined();
    });
    expect(eventsOf(v2).filter((entry) => entry.endsWith(':deactivate'))).toHaveLength(4);
  });

  it('lists server-served triggers where HTTP is served, from memory, for the webhook ingress', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Ingress',
      document: {
        version: 1,
        name: 'Ingress',
        nodes: [
          { id: 'in', type: 'test.ingress', position: { x: 0, y: 0 }, config: { path: 'orders' } },
        ],
        edges: [],
      },
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    const version = await latestVersionId(flow.id);
    const expected = {
      flowId: flow.id,
      flowVersionId: version,
      nodeId: 'in',
      kind: 'webhook',
      config: { path: 'orders' },
    };
    await vi.waitFor(() => {
      expect(c.services.triggers.activeTriggers('webhook')).toEqual([
        expect.objectContaining(expected),
      ]);
      expect(t.services.triggers.activeTriggers('webhook')).toEqual([
        expect.objectContaining(expected),
      ]);
    });
    // B executes runs only: it serves no webhook.
    expect(b.services.triggers.activeTriggers('webhook')).toEqual([]);
    expect(c.services.triggers.activeTriggers('schedule')).toEqual([]);

    const changes: string[] = [];
    const unsubscribe = c.services.triggers.onChange((flowId) => changes.push(flowId));
    await t.client.flows.setActive.mutate({ id: flow.id, active: false });
    await vi.waitFor(() => expect(changes).toEqual([flow.id]));
    unsubscribe();
    expect(c.services.triggers.activeTriggers('webhook')).toEqual([]);
  });

  it('gives an activation run starts of its kind and one-off claims shared by every process', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Starts',
      document: lifecycleFlow('Starts'),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() => {
      expect(contexts.get(`A:${flow.id}`)).toBeDefined();
      expect(contexts.get(`B:${flow.id}`)).toBeDefined();
    });
    const onA = contexts.get(`A:${flow.id}`)!;
    const onB = contexts.get(`B:${flow.id}`)!;

    // Each key is won by exactly one caller, whichever process asks.
    const claims = await Promise.all([
      onA.claimOnce('2026-12-04T02:00:00.000Z'),
      onB.claimOnce('2026-12-04T02:00:00.000Z'),
      onA.claimOnce('2026-12-04T02:00:00.000Z'),
      onB.claimOnce('2026-12-04T02:00:00.000Z'),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await onB.claimOnce('2026-12-04T02:00:01.000Z')).toBe(true);

    const started = await onB.startRun({ n: 1 }, { idempotencyKey: 'tick-1' });
    expect(started.deduplicated).toBe(false);
    expect(await onA.startRun({ n: 1 }, { idempotencyKey: 'tick-1' })).toEqual({
      runId: started.runId,
      deduplicated: true,
    });
    const run = await waitForRun(t.client, started.runId);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
    expect(run.steps.find((step) => step.nodeId === 'shape')?.output).toEqual({ seen: { n: 1 } });
    expect(await onA.runsInFlight()).toBe(0);

    // Once switched off, the old activation can start nothing.
    await t.client.flows.setActive.mutate({ id: flow.id, active: false });
    await vi.waitFor(() => expect(onA.signal.aborted && onB.signal.aborted).toBe(true));
    await expect(onB.startRun({ n: 2 })).rejects.toThrow(/no longer active/);
    expect(await t.client.runs.list.query({ flowId: flow.id })).toMatchObject({
      items: [{ id: started.runId }],
    });
  });

  it('catches a change it was never told about at the next resync', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Unannounced',
      document: lifecycleFlow('Unannounced'),
    });
    const version = await latestVersionId(flow.id);
    // Written with triggers off (as a restore from backup might): no NOTIFY is sent.
    await t.prisma.$transaction([
      t.prisma.$executeRaw`SET LOCAL session_replication_role = replica`,
      t.prisma
        .$executeRaw`UPDATE flows SET active = true, activated_at = now() WHERE id = ${flow.id}::uuid`,
    ]);
    expect(eventsOf(version)).toEqual([]);
    await b.services.triggers.resync();
    expect(eventsOf(version)).toEqual(['B:activate']);
    expect(b.services.triggers.activeTrigger(flow.id)?.flowVersionId).toBe(version);
  });

  it('keeps a failed activation out of activeTriggers and tries it again at the next resync', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Broken',
      document: lifecycleFlow('Broken', 'broken'),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() =>
      expect(b.services.triggers.activeTrigger(flow.id)?.error).toBe('the upstream is down'),
    );
    expect(
      b.services.triggers.activeTriggers('schedule').map((entry) => entry.flowId),
    ).not.toContain(flow.id);
    refuseBroken = false;
    await b.services.triggers.resync();
    expect(b.services.triggers.activeTrigger(flow.id)?.error).toBeUndefined();
    expect(b.services.triggers.activeTriggers('schedule').map((entry) => entry.flowId)).toContain(
      flow.id,
    );
    await t.client.flows.setActive.mutate({ id: flow.id, active: false });
  });

  it('deactivates every trigger when the process stops', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Stopping',
      document: lifecycleFlow('Stopping'),
    });
    const version = await latestVersionId(flow.id);
    const d = await startTriggerProcess({
      databaseUrl: t.database.url,
      hosts: ['worker'],
      connectors: registryFor('D'),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    await vi.waitFor(() => expect(eventsOf(version)).toContain('D:activate'));
    await d.close();
    expect(eventsOf(version)).toContain('D:deactivate');
    expect(d.services.triggers.activeTrigger(flow.id)).toBeUndefined();
  });
});
