import type { FlowDocument } from '@patchbay/engine';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  // Webhook paths are checked against the flows the trigger manager serves: no worker needed.
  t = await startTestApp({ worker: false });
});
afterAll(async () => {
  await t?.close();
});

type Node = FlowDocument['nodes'][number];
const trigger: Node = {
  id: 'trigger',
  type: 'trigger.manual',
  position: { x: 0, y: 0 },
  config: {},
};
const transform = (id: string, expression: string, x = 200): Node => ({
  id,
  type: 'transform.jsonata',
  position: { x, y: 0 },
  config: { expression },
});

function documentWith(name: string, nodes: Node[]): FlowDocument {
  return {
    version: 1,
    name,
    nodes,
    edges: nodes
      .slice(1)
      .map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: node.id })),
  };
}

function webhookDocument(name: string, path: string): FlowDocument {
  return documentWith(name, [
    { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, config: { path } },
  ]);
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof TRPCClientError) return error as TRPCClientError<never>;
  throw new Error(`Expected a tRPC error, got ${String(error)}`);
}

describe('flow versions', () => {
  it('lists versions newest first with who saved each (session or API token user), node count and origin', async () => {
    const editor = await t.userWithRole('editor');
    const flow = await t.client.flows.create.mutate({ name: 'Authored' });
    await editor.client.flows.update.mutate({
      id: flow.id,
      document: documentWith('Authored', [trigger, transform('shape', '$')]),
    });
    const imported = await editor.client.flows.import.mutate({
      document: documentWith('Imported', [trigger]),
    });

    const page = await t.client.flows.versions.query({ id: flow.id });
    expect(page).toEqual({
      items: [
        {
          number: 2,
          createdAt: expect.any(String),
          author: { id: editor.id, email: editor.email, name: null },
          nodeCount: 2,
          restoredFrom: null,
        },
        {
          number: 1,
          createdAt: expect.any(String),
          author: { id: t.owner.id, email: t.owner.email, name: null },
          nodeCount: 1,
          restoredFrom: null,
        },
      ],
      nextCursor: null,
      latestVersion: 2,
    });
    const [importedVersion] = (await t.client.flows.versions.query({ id: imported.id })).items;
    expect(importedVersion?.author?.id).toBe(editor.id);
  });

  it('pages through versions by number', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Paged' });
    for (const expression of ['$.a', '$.b', '$.c', '$.d']) {
      await t.client.flows.update.mutate({
        id: flow.id,
        document: documentWith('Paged', [trigger, transform('shape', expression)]),
      });
    }
    const first = await t.client.flows.versions.query({ id: flow.id, limit: 2 });
    expect(first.items.map((v) => v.number)).toEqual([5, 4]);
    expect(first.nextCursor).toBe(4);
    const second = await t.client.flows.versions.query({
      id: flow.id,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items.map((v) => v.number)).toEqual([3, 2]);
    const last = await t.client.flows.versions.query({ id: flow.id, limit: 2, cursor: 2 });
    expect(last).toMatchObject({ items: [{ number: 1 }], nextCursor: null });
  });

  it('returns one version with its document, and NOT_FOUND naming the flow for an unknown one', async () => {
    const v1 = documentWith('Lookup', [trigger, transform('shape', '$.first')]);
    const flow = await t.client.flows.create.mutate({ name: 'Lookup', document: v1 });
    await t.client.flows.update.mutate({
      id: flow.id,
      document: documentWith('Lookup', [trigger, transform('shape', '$.second')]),
    });

    const version = await t.client.flows.version.query({ id: flow.id, number: 1 });
    expect(version).toMatchObject({
      flowId: flow.id,
      number: 1,
      author: { email: t.owner.email },
      nodeCount: 2,
      document: v1,
    });

    const missing = await errorOf(t.client.flows.version.query({ id: flow.id, number: 9 }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.message).toBe(
      'Flow version "9" was not found. Flow "Lookup" has versions 1 to 2.',
    );
    const unknownFlow = await errorOf(
      t.client.flows.versions.query({ id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknownFlow.data).toMatchObject({ code: 'NOT_FOUND' });
    expect(unknownFlow.message).toContain('Flow "00000000-0000-4000-8000-000000000000"');
    const badNumber = await errorOf(t.client.flows.version.query({ id: flow.id, number: 0 }));
    expect(badNumber.data).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('restores a version as a new version by the restoring user, with its name and document', async () => {
    const editor = await t.userWithRole('editor');
    const v1 = documentWith('Original name', [trigger, transform('shape', '$.one')]);
    const flow = await t.client.flows.create.mutate({ name: 'Original name', document: v1 });
    await t.client.flows.update.mutate({
      id: flow.id,
      name: 'Renamed',
      document: documentWith('Renamed', [trigger, transform('other', '$.two', 400)]),
    });
    await t.client.flows.update.mutate({
      id: flow.id,
      document: documentWith('Renamed', [trigger]),
    });

    const restored = await editor.client.flows.restoreVersion.mutate({ id: flow.id, number: 1 });
    expect(restored).toMatchObject({ latestVersion: 4, name: 'Original name', document: v1 });

    const detail = await t.client.flows.get.query({ id: flow.id });
    expect(detail.latestVersion).toBe(4);
    expect(detail.document).toEqual(v1);
    const [newest] = (await t.client.flows.versions.query({ id: flow.id, limit: 1 })).items;
    expect(newest).toMatchObject({
      number: 4,
      restoredFrom: 1,
      author: { id: editor.id, email: editor.email },
    });
    // Runs start from the restored version.
    const version4 = await t.prisma.flowVersion.findFirstOrThrow({
      where: { flowId: flow.id, number: 4 },
    });
    expect(version4.document).toEqual(v1);

    // Restoring what is already the latest saves nothing.
    const again = await t.client.flows.restoreVersion.mutate({ id: flow.id, number: 4 });
    expect(again.latestVersion).toBe(4);
  });

  it('checks a restore as a save: an active flow cannot restore a webhook path another active flow took', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Hook owner',
      document: webhookDocument('Hook owner', 'restore-path'),
    });
    await t.client.flows.update.mutate({
      id: flow.id,
      document: webhookDocument('Hook owner', 'moved-path'),
    });
    await t.client.flows.setActive.mutate({ id: flow.id, active: true });
    const other = await t.client.flows.create.mutate({
      name: 'Path taker',
      document: webhookDocument('Path taker', 'restore-path'),
    });
    await t.client.flows.setActive.mutate({ id: other.id, active: true });

    const refused = await errorOf(t.client.flows.restoreVersion.mutate({ id: flow.id, number: 1 }));
    expect(refused.data).toMatchObject({
      code: 'BAD_REQUEST',
      issues: [{ nodeId: 'hook', path: ['path'] }],
    });
    expect(refused.message).toContain('"Hook owner"');
    expect((await t.client.flows.get.query({ id: flow.id })).latestVersion).toBe(2);
    const missing = await errorOf(t.client.flows.restoreVersion.mutate({ id: flow.id, number: 7 }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps versions of a removed user, without their author', async () => {
    const editor = await t.userWithRole('editor');
    const flow = await editor.client.flows.create.mutate({ name: 'Orphaned' });
    await t.prisma.user.delete({ where: { id: editor.id } });
    const [version] = (await t.client.flows.versions.query({ id: flow.id })).items;
    expect(version).toMatchObject({ number: 1, author: null });
  });
});
