/**
 * Inputs PostgreSQL cannot store (NUL characters, unpaired surrogates) and nesting deep enough to
 * overflow recursive code, fuzzed with fast-check through the real HTTP API: never a 500, always a
 * 400 that names the field (or a valid answer), and flows.validate always answers with issues.
 */
import type { FlowDocument } from '@patchbay/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
let flowId: string;

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  flowId = (await t.client.flows.import.mutate({ document: validDocument() })).id;
});
afterAll(async () => {
  await t?.close();
});

function validDocument(): FlowDocument {
  return chainFlow('Fuzzed', [transformNode('shape', '$')]);
}

/** Replaced in the JSON text by a value nested `levels` deep (too deep to build as an object). */
const DEEP = '\u001fDEEP\u001f';
const BAD_CHARACTERS = ['\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'];

/** Text with one character PostgreSQL cannot store somewhere in it. */
const badString = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...BAD_CHARACTERS),
    fc.string({ maxLength: 12 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** What goes in the fuzzed field: a bad string, or a placeholder for deep nesting. */
const badValue = fc.oneof(
  badString.map((text) => ({ kind: 'text' as const, value: text as unknown, levels: 0 })),
  fc
    .integer({ min: 66, max: 12_000 })
    .map((levels) => ({ kind: 'deep' as const, value: DEEP as unknown, levels })),
);

type Call = { path: string; type: 'query' | 'mutation'; input: unknown; field: string };

/** Each builds a call carrying `bad` in one field, and names that field. */
const CALLS: ((bad: unknown, key: string) => Call)[] = [
  (bad) => ({ path: 'flows.create', type: 'mutation', input: { name: bad }, field: 'input.name' }),
  (bad) => ({
    path: 'flows.create',
    type: 'mutation',
    input: { name: 'ok', description: bad },
    field: 'input.description',
  }),
  (bad) => {
    const document = validDocument() as unknown as { nodes: { config: unknown }[] };
    document.nodes[1]!.config = { expression: bad };
    return {
      path: 'flows.create',
      type: 'mutation',
      input: { name: 'ok', document },
      field: 'input.document.nodes[1].config.expression',
    };
  },
  (_bad, key) => {
    const document = validDocument() as unknown as { nodes: { config: unknown }[] };
    document.nodes[1]!.config = { expression: '$', [key]: 1 };
    return {
      path: 'flows.import',
      type: 'mutation',
      input: { document },
      field: `input.document.nodes[1].config[${JSON.stringify(key)}]`,
    };
  },
  (bad) => ({
    path: 'flows.update',
    type: 'mutation',
    input: { id: flowId, name: bad },
    field: 'input.name',
  }),
  (bad) => ({
    path: 'flows.import',
    type: 'mutation',
    input: { document: { ...validDocument(), name: bad } },
    field: 'input.document.name',
  }),
  (bad) => ({
    path: 'flows.run',
    type: 'mutation',
    input: { id: flowId, input: { order: { lines: [{ sku: bad }] } } },
    field: 'input.input.order.lines[0].sku',
  }),
  (bad) => ({
    path: 'flows.run',
    type: 'mutation',
    input: { id: flowId, idempotencyKey: bad },
    field: 'input.idempotencyKey',
  }),
  (bad) => ({ path: 'runs.list', type: 'query', input: { cursor: bad }, field: 'input.cursor' }),
  (bad) => ({ path: 'runs.get', type: 'query', input: { id: bad }, field: 'input.id' }),
  (bad) => ({ path: 'flows.list', type: 'query', input: { search: bad }, field: 'input.search' }),
  (bad) => ({ path: 'breakers.get', type: 'query', input: { target: bad }, field: 'input.target' }),
  (bad) => ({
    path: 'users.create',
    type: 'mutation',
    input: { email: bad, role: 'viewer', password: 'a long enough password' },
    field: 'input.email',
  }),
  (bad) => ({
    path: 'tokens.create',
    type: 'mutation',
    input: { name: bad, role: 'viewer' },
    field: 'input.name',
  }),
];

/** The input as JSON text, with the deep placeholder expanded. */
function inputText(input: unknown, levels: number): string {
  const text = JSON.stringify(input);
  const deep = `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  return text.replace(JSON.stringify(DEEP), deep);
}

type Answer = { status: number; text: string; body: unknown };

async function send(call: Call, levels: number, batch: boolean): Promise<Answer> {
  const text = inputText(call.input, levels);
  const headers = { authorization: `Bearer ${t.owner.token}` };
  const query = batch ? '?batch=1' : '';
  let response: Response;
  if (call.type === 'query') {
    const input = batch ? `{"0":${text}}` : text;
    const separator = batch ? '&' : '?';
    response = await fetch(
      `${t.baseUrl}/trpc/${call.path}${query}${separator}input=${encodeURIComponent(input)}`,
      { headers },
    );
  } else {
    response = await fetch(`${t.baseUrl}/trpc/${call.path}${query}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: batch ? `{"0":${text}}` : text,
    });
  }
  const body = await response.text();
  return { status: response.status, text: body, body: JSON.parse(body) as unknown };
}

/** No response may carry internals: a stack, Prisma's or the driver's text. */
function expectNoInternals(answer: Answer): void {
  expect(answer.text).not.toMatch(/prisma|invocation|\bat .+\(.+:\d+:\d+\)|node_modules/i);
}

type ErrorBody = { error: { message: string; data: { code: string; field: string | null } } };

function errorOf(answer: Answer, batch: boolean): ErrorBody['error'] {
  const body = (batch ? (answer.body as unknown[])[0] : answer.body) as ErrorBody;
  return body.error;
}

describe('inputs PostgreSQL cannot store, or nested too deep', () => {
  it('get a 400 naming the field from every procedure, over GET and POST, batched or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: CALLS.length - 1 }),
        badValue,
        badString,
        fc.boolean(),
        async (which, bad, badKey, batch) => {
          const call = CALLS[which]!(bad.value, badKey);
          // A GET carries its input in the URL, which Node limits to 16 KiB (431 beyond).
          const levels = call.type === 'query' ? Math.min(bad.levels, 500) : bad.levels;
          const answer = await send(call, levels, batch);
          expectNoInternals(answer);
          expect([call.path, answer.status]).toEqual([call.path, 400]);
          const error = errorOf(answer, batch);
          expect(error.data.code).toBe('BAD_REQUEST');
          expect(error.message.startsWith(`Field "${call.field}`)).toBe(true);
          expect(error.data.field?.startsWith(call.field)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('never answer arbitrary JSON with a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: CALLS.length - 1 }),
        fc.jsonValue({ maxDepth: 6 }),
        async (which, value) => {
          const call = CALLS[which]!(value, 'key');
          const answer = await send(call, 0, false);
          expectNoInternals(answer);
          expect([call.path, answer.status < 500]).toEqual([call.path, true]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuse a 2 MiB body of brackets, balanced or not, with a 400', async () => {
    const levels = 1024 * 1024 - 8;
    for (const body of [
      '['.repeat(2 * levels),
      `${'['.repeat(levels)}${']'.repeat(levels)}`,
      `{"name":${'['.repeat(levels - 8)}${']'.repeat(levels - 8)}}`,
    ]) {
      const response = await fetch(`${t.baseUrl}/trpc/flows.create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.owner.token}`, 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      expect(response.status).toBe(400);
      expectNoInternals({ status: response.status, text, body: undefined });
    }
  });

  it('refuse the same at sign-in with a 400', async () => {
    for (const body of [
      JSON.stringify({ email: 'owner\u0000@example.com', password: 'x' }),
      JSON.stringify({ email: 'owner@example.com', password: 'x\uD800' }),
      `{"email":${'['.repeat(5000)}${']'.repeat(5000)},"password":"x"}`,
    ]) {
      const response = await fetch(`${t.baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.baseUrl },
        body,
      });
      const text = await response.text();
      expect(response.status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ code: 'BAD_REQUEST' });
    }
  });
});

describe('flows.validate', () => {
  /** Where in a valid document the fuzzed value goes, and the node the issue must name. */
  const PLACES: { path: (string | number)[]; nodeId?: string }[] = [
    { path: ['name'] },
    { path: ['description'] },
    { path: ['nodes', 1, 'label'], nodeId: 'shape' },
    { path: ['nodes', 1, 'config', 'expression'], nodeId: 'shape' },
    { path: ['nodes', 1, 'policy', 'target'], nodeId: 'shape' },
    { path: ['nodes', 1, 'position', 'x'], nodeId: 'shape' },
    { path: ['edges', 0, 'source'] },
    { path: ['settings', 'runTimeoutMs'] },
  ];

  function place(document: unknown, path: (string | number)[], value: unknown): void {
    let target = document as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string | number, unknown>;
    }
    target[path.at(-1)!] = value;
  }

  it('answers every document with issues naming the node and field, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: PLACES.length - 1 }),
        badValue,
        async (which, bad) => {
          const { path, nodeId } = PLACES[which]!;
          const document = validDocument();
          place(document, path, bad.value);
          const call: Call = {
            path: 'flows.validate',
            type: 'mutation',
            input: { document },
            field: '',
          };
          const answer = await send(call, bad.levels, false);
          expectNoInternals(answer);
          expect(answer.status).toBe(200);
          const { issues } = (answer.body as { result: { data: { issues: unknown[] } } }).result
            .data;
          expect(issues.length).toBeGreaterThan(0);
          if (nodeId) expect(issues).toContainEqual(expect.objectContaining({ nodeId }));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers arbitrary JSON and a million levels of nesting without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 8 }), async (document) => {
        const result = await t.client.flows.validate.mutate({ document });
        expect(Array.isArray(result.issues)).toBe(true);
      }),
      { numRuns: 60 },
    );
    const levels = 1_000_000;
    const response = await fetch(`${t.baseUrl}/trpc/flows.validate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.owner.token}`, 'content-type': 'application/json' },
      body: `{"document":${'['.repeat(levels)}${']'.repeat(levels)}}`,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { issues: { message: string }[] } } };
    expect(body.result.data.issues[0]?.message).toContain('nested more than 64 levels deep');
  });
});
