import { randomUUID } from 'node:crypto';
import type { FlowDocument } from '@patchbay/engine';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonColumn } from '../db/json-column.ts';
import { countRows, startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

function documentWith(
  nodes: FlowDocument['nodes'],
  edges: FlowDocument['edges'] = [],
): FlowDocument {
  return { version: 1, name: 'Doc', nodes, edges };
}

const trigger = { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} };
const transform = (id: string, expression = '$') => ({
  id,
  type: 'transform.jsonata',
  position: { x: 200, y: 0 },
  config: { expression },
});

async function rejection(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('Expected the call to be rejected');
}

/** Asserts the call is rejected with `code` and wrote no rows. */
async function expectRejectedWithoutWrites(call: () => Promise<unknown>, code: string) {
  const before = await countRows(t.prisma);
  const error = await rejection(call());
  expect(error.data?.code).toBe(code);
  expect(await countRows(t.prisma)).toEqual(before);
  return error;
}

describe('flows: create, read, update, delete', () => {
  it('creates a flow holding one manual trigger when no document is given', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Orders sync',
      description: 'nightly',
    });
    expect(flow).toMatchObject({ name: 'Orders sync', description: 'nightly', latestVersion: 1 });
    expect(flow.document).toEqual({
      version: 1,
      name: 'Orders sync',
      description: 'nightly',
      nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    });
    const { warnings, ...saved } = flow;
    expect(warnings).toEqual([]);
    expect(await t.client.flows.get.query({ id: flow.id })).toEqual(saved);
    const versions = await t.prisma.flowVersion.findMany({ where: { flowId: flow.id } });
    expect(versions.map((version) => version.number)).toEqual([1]);
  });

  it('makes a new version only when the document changes, and renames the document too', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Versioned' });
    const withTransform = documentWith(
      [trigger, transform('shape')],
      [{ id: 'e1', source: 'trigger', target: 'shape' }],
    );

    const v2 = await t.client.flows.update.mutate({ id: flow.id, document: withTransform });
    expect(v2.latestVersion).toBe(2);
    expect(v2.document.name).toBe('Versioned');

    const same = await t.client.flows.update.mutate({ id: flow.id, document: v2.document });
    expect(same).toEqual(v2);

    const renamed = await t.client.flows.update.mutate({ id: flow.id, name: 'Renamed' });
    expect(renamed).toMatchObject({ name: 'Renamed', latestVersion: 3 });
    expect(renamed.document.name).toBe('Renamed');
    expect(renamed.document.nodes).toHaveLength(2);

    const summaries = await t.client.flows.list.query({ search: 'renam' });
    expect(summaries).toEqual([
      expect.objectContaining({
        id: flow.id,
        name: 'Renamed',
        nodeCount: 2,
        latestVersion: 3,
        lastRun: null,
      }),
    ]);
  });

  it('numbers versions one after the other under concurrent saves', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Concurrent' });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.caller.flows.update({
          id: flow.id,
          document: documentWith(
            [trigger, transform(`n${i}`)],
            [{ id: 'e', source: 'trigger', target: `n${i}` }],
          ),
        }),
      ),
    );
    const numbers = (
      await t.prisma.flowVersion.findMany({
        where: { flowId: flow.id },
        orderBy: { number: 'asc' },
      })
    ).map((version) => version.number);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('lists flows newest updated first', async () => {
    const a = await t.client.flows.create.mutate({ name: 'List A' });
    const b = await t.client.flows.create.mutate({ name: 'List B' });
    await t.client.flows.update.mutate({ id: a.id, description: 'touched' });
    const names = (await t.client.flows.list.query({ search: 'List ' })).map((flow) => flow.id);
    expect(names).toEqual([a.id, b.id]);
  });

  it('deletes a flow by archiving it: hidden, its versions and runs kept', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Doomed' });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { x: 1 } });
    await waitForRun(t.client, runId);

    expect(await t.client.flows.delete.mutate({ id: flow.id })).toEqual({
      id: flow.id,
      cancelledRuns: 0,
    });
    expect(await t.prisma.flowVersion.count({ where: { flowId: flow.id } })).toBe(1);
    expect(await t.prisma.stepRun.count({ where: { runId } })).toBe(1);
    expect((await rejection(t.client.flows.get.query({ id: flow.id }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('exports a document that imports as an equal flow', async () => {
    const document = documentWith(
      [trigger, transform('shape', '{ "total": $count($) }')],
      [{ id: 'e1', source: 'trigger', target: 'shape' }],
    );
    const original = await t.client.flows.create.mutate({ name: 'Exported', document });
    const exported = await t.client.flows.export.query({ id: original.id });
    const imported = await t.client.flows.import.mutate({ document: exported });
    expect(imported.id).not.toBe(original.id);
    expect(imported.name).toBe('Exported');
    expect(imported.latestVersion).toBe(1);
    expect(imported.document).toEqual(exported);
  });
});

describe('flows: literal secrets in HTTP nodes', () => {
  const literalSecrets = () =>
    documentWith(
      [
        trigger,
        {
          id: 'api',
          type: 'http.request',
          label: 'Call the API',
          position: { x: 200, y: 0 },
          config: {
            url: 'https://{{ $.host }}/orders',
            headers: { Authorization: 'Bearer sk_live_literal', Accept: 'application/json' },
            query: { api_key: 'abc123literal', page: '{{ $.page }}' },
          },
        },
      ],
      [{ id: 'e1', source: 'trigger', target: 'api' }],
    );

  it('imports a document with a literal secret, warning with the node and field and suggesting a credential', async () => {
    const imported = await t.client.flows.import.mutate({ document: literalSecrets() });
    expect(imported.latestVersion).toBe(1);
    expect(imported.warnings).toEqual([
      {
        nodeId: 'api',
        path: ['headers', 'Authorization'],
        message:
          'Node "Call the API" (api): header "Authorization" holds a literal secret, which is stored in the flow and its exports; use an httpBearer or httpBasic credential in Authentication instead',
      },
      {
        nodeId: 'api',
        path: ['query', 'api_key'],
        message: expect.stringContaining('use an httpQuery credential'),
      },
    ]);
  });

  it('warns on save too, and not once the secret comes from a credential', async () => {
    const created = await t.client.flows.create.mutate({
      name: 'Literal',
      document: literalSecrets(),
    });
    expect(created.warnings.map((warning) => warning.path)).toEqual([
      ['headers', 'Authorization'],
      ['query', 'api_key'],
    ]);
    const fixed = literalSecrets();
    const api = fixed.nodes[1] as { config: Record<string, unknown> };
    api.config = {
      url: 'https://{{ $.host }}/orders',
      headers: { Accept: 'application/json' },
      auth: { credentialId: 'cred_api' },
    };
    const updated = await t.client.flows.update.mutate({ id: created.id, document: fixed });
    expect(updated.warnings).toEqual([]);
  });
});

describe('flows: invalid input writes nothing', () => {
  it('rejects a malformed document', async () => {
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.create.mutate({ name: 'Bad', document: { version: 1, nodes: 'nope' } }),
      'BAD_REQUEST',
    );
    expect(error.data?.issues?.length).toBeGreaterThan(0);
    expect(error.data?.issues?.[0]).toMatchObject({ code: 'document.invalid' });
  });

  it('rejects an unknown node type, naming the node', async () => {
    const document = documentWith(
      [trigger, { id: 'mystery', type: 'does.not.exist', position: { x: 1, y: 1 }, config: {} }],
      [{ id: 'e1', source: 'trigger', target: 'mystery' }],
    );
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.create.mutate({ name: 'Unknown type', document }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('mystery');
    expect(error.data?.issues).toEqual([
      expect.objectContaining({ code: 'node.unknown_type', nodeId: 'mystery' }),
    ]);
  });

  it('rejects a cycle', async () => {
    const document = documentWith(
      [trigger, transform('a'), transform('b')],
      [
        { id: 'e1', source: 'trigger', target: 'a' },
        { id: 'e2', source: 'a', target: 'b' },
        { id: 'e3', source: 'b', target: 'a' },
      ],
    );
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.create.mutate({ name: 'Cycle', document }),
      'BAD_REQUEST',
    );
    expect(error.data?.issues?.some((issue) => issue.code === 'graph.cycle')).toBe(true);
  });

  it('rejects an invalid node config, naming node and field in the message and issues', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Valid first' });
    const document = documentWith(
      [
        trigger,
        {
          id: 'fetch',
          type: 'http.request',
          position: { x: 1, y: 1 },
          config: { url: 'not a url' },
        },
      ],
      [{ id: 'e1', source: 'trigger', target: 'fetch' }],
    );
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.update.mutate({ id: flow.id, document }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(/node "fetch"/i);
    expect(error.message).toMatch(/field "url"/i);
    expect(error.data?.issues).toEqual([
      expect.objectContaining({
        code: 'node.invalid_config',
        nodeId: 'fetch',
        path: expect.arrayContaining(['url']),
      }),
    ]);
    expect((await t.client.flows.get.query({ id: flow.id })).latestVersion).toBe(1);
  });

  it('rejects a bad input shape with a flattened zod error', async () => {
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.create.mutate({ name: '   ' }),
      'BAD_REQUEST',
    );
    expect(error.data?.zodError?.fieldErrors).toHaveProperty('name');
  });

  it('rejects a document over 4 MiB with BAD_REQUEST', async () => {
    const big = documentWith(
      [trigger, transform('big', `"${'x'.repeat(4_300_000)}"`)],
      [{ id: 'e1', source: 'trigger', target: 'big' }],
    );
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.create.mutate({ name: 'Big', document: big }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(/too large.*4\.00 MiB/);
  });

  it('refuses a request body over 6 MiB with 413 and a clear message', async () => {
    const huge = documentWith([trigger, transform('huge', `"${'x'.repeat(6_500_000)}"`)]);
    const before = await countRows(t.prisma);
    const error = await rejection(t.client.flows.create.mutate({ name: 'Huge', document: huge }));
    expect(error.data?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.data?.httpStatus).toBe(413);
    expect(error.message).toContain('too large');
    expect(await countRows(t.prisma)).toEqual(before);

    const raw = await fetch(`${t.baseUrl}/trpc/flows.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Huge', document: huge }),
    });
    expect(raw.status).toBe(413);
  });

  it('answers NOT_FOUND for ids that name no flow or run', async () => {
    const missing = randomUUID();
    const calls: (() => Promise<unknown>)[] = [
      () => t.client.flows.get.query({ id: missing }),
      () => t.client.flows.get.query({ id: 'not-a-uuid' }),
      () => t.client.flows.update.mutate({ id: missing, name: 'x' }),
      () => t.client.flows.delete.mutate({ id: missing }),
      () => t.client.flows.export.query({ id: missing }),
      () => t.client.flows.run.mutate({ id: missing }),
      () => t.client.runs.get.query({ id: missing }),
      () => t.client.runs.get.query({ id: 'nope' }),
    ];
    for (const call of calls) {
      const error = await expectRejectedWithoutWrites(call, 'NOT_FOUND');
      expect(error.message).toMatch(/was not found/);
    }
  });

  it('validates without throwing and without writing', async () => {
    const before = await countRows(t.prisma);
    expect(await t.client.flows.validate.mutate({ document: documentWith([trigger]) })).toEqual({
      issues: [],
    });
    const { issues } = await t.client.flows.validate.mutate({ document: { nonsense: true } });
    expect(issues.length).toBeGreaterThan(0);
    expect(await countRows(t.prisma)).toEqual(before);
  });

  it('refuses to run a flow whose saved version no longer validates', async () => {
    const flow = await t.client.flows.create.mutate({ name: 'Stale' });
    // As if a node type were removed after the version was saved.
    await t.prisma.flowVersion.updateMany({
      where: { flowId: flow.id },
      data: {
        document: toJsonColumn(documentWith([{ ...trigger, type: 'trigger.removed' }])),
      },
    });
    const error = await expectRejectedWithoutWrites(
      () => t.client.flows.run.mutate({ id: flow.id }),
      'PRECONDITION_FAILED',
    );
    expect(error.data?.issues?.[0]).toMatchObject({ code: 'node.unknown_type', nodeId: 'trigger' });
  });
});

describe('nodeTypes.list', () => {
  it('describes the built-in node types', async () => {
    const types = (await t.client.nodeTypes.list.query()).map((type) => type.type);
    expect(types).toEqual(
      expect.arrayContaining(['trigger.manual', 'http.request', 'transform.jsonata', 'logic.if']),
    );
  });

  it('serves config schemas with the UI hints the editor follows', async () => {
    const types = await t.client.nodeTypes.list.query();
    const schemaOf = (type: string) => types.find((entry) => entry.type === type)?.configJsonSchema;
    expect(schemaOf('transform.jsonata')).toMatchObject({
      properties: { expression: { 'x-ui': { widget: 'jsonata' } } },
    });
    expect(schemaOf('http.request')).toMatchObject({
      properties: {
        url: { 'x-ui': { widget: 'template' } },
        headers: { additionalProperties: { 'x-ui': { widget: 'template' } } },
        body: { 'x-ui': { showIf: { field: 'bodyType', notEquals: 'none' } } },
        timeoutMs: { 'x-ui': { advanced: true, unit: 'ms' } },
      },
    });
  });

  it('gives each type its side effects and the policy its nodes have by default', async () => {
    const types = await t.client.nodeTypes.list.query();
    const http = types.find((type) => type.type === 'http.request');
    expect(http).toMatchObject({
      sideEffects: true,
      policyDefaults: { retry: { maxAttempts: 3 }, timeoutMs: 30_000, breaker: { enabled: true } },
    });
    expect(http?.policyDefaults).not.toHaveProperty('rateLimit');
    expect(types.find((type) => type.type === 'logic.if')).toMatchObject({
      sideEffects: false,
      policyDefaults: { retry: { maxAttempts: 1 } },
    });
  });

  it('gives only HTTP nodes the HTTP status fields of the retry policy', async () => {
    const types = await t.client.nodeTypes.list.query();
    const retryFields = (type: string) => {
      const schema = types.find((descriptor) => descriptor.type === type)?.policyJsonSchema;
      const properties = (schema?.properties ?? {}) as Record<string, { properties: object }>;
      const retry = properties.retry;
      return Object.keys(retry?.properties ?? {});
    };
    expect(retryFields('http.request')).toEqual(
      expect.arrayContaining(['maxAttempts', 'retryHttpStatuses', 'noRetryHttpStatuses']),
    );
    expect(retryFields('transform.jsonata')).toContain('maxAttempts');
    expect(retryFields('transform.jsonata')).not.toContain('retryHttpStatuses');
    expect(types.find((type) => type.type === 'http.request')?.policyDefaults.retry).toMatchObject({
      retryHttpStatuses: [],
      noRetryHttpStatuses: [],
    });
  });
});

describe('nodeTypes.policySchemas', () => {
  it('serves the JSON Schemas of node.policy and settings, and the default settings', async () => {
    const schemas = await t.client.nodeTypes.policySchemas.query();
    expect(schemas.nodePolicy).toMatchObject({
      type: 'object',
      properties: { retry: { type: 'object' }, rateLimit: { required: ['limit', 'periodMs'] } },
    });
    expect(schemas.flowSettings).toMatchObject({
      properties: { maxConcurrentRuns: { type: 'integer', minimum: 1 } },
    });
    expect(schemas.flowSettingsDefaults).toEqual({ runTimeoutMs: 86_400_000 });
  });
});
