import { describe, expect, it } from 'vitest';
import type { DraftFlowDocument, DraftFlowNode } from '../flow-document-mapping.ts';
import { diffFlowDocuments, diffValues } from './flow-version-diff.ts';

const node = (id: string, overrides: Partial<DraftFlowNode> = {}): DraftFlowNode => ({
  id,
  type: 'transform.jsonata',
  position: { x: 0, y: 0 },
  config: { expression: '$' },
  ...overrides,
});

const doc = (
  nodes: DraftFlowNode[],
  edges: DraftFlowDocument['edges'] = [],
  extra: Partial<DraftFlowDocument> = {},
): DraftFlowDocument => ({ version: 1, name: 'Flow', nodes, edges, ...extra });

describe('diffFlowDocuments', () => {
  it('reports nothing for equal documents, whatever their key order', () => {
    const a = doc([node('a', { config: { expression: '$', options: { x: 1, y: 2 } } })]);
    const b = doc([node('a', { config: { options: { y: 2, x: 1 }, expression: '$' } })]);
    const diff = diffFlowDocuments(a, b);
    expect(diff.identical).toBe(true);
    expect(diff.nodes.map((n) => n.status)).toEqual(['unchanged']);
  });

  it('finds added and removed nodes, removed ones after the newer document’s nodes', () => {
    const diff = diffFlowDocuments(
      doc([node('keep'), node('gone')]),
      doc([node('new'), node('keep')]),
    );
    expect(diff.nodes.map((n) => [n.id, n.status])).toEqual([
      ['new', 'added'],
      ['keep', 'unchanged'],
      ['gone', 'removed'],
    ]);
    expect(diff.counts).toMatchObject({ added: 1, removed: 1, changed: 0, moved: 0 });
    expect(diff.byId.get('gone')?.before?.id).toBe('gone');
    expect(diff.byId.get('new')?.after?.id).toBe('new');
    // Every field of an added node is listed as set.
    expect(diff.byId.get('new')?.config).toEqual([
      { path: ['expression'], before: undefined, after: '$' },
    ]);
    expect(diff.byId.get('gone')?.drawn).toEqual(node('gone'));
  });

  it('reports a move apart from changes, so a moved node is not "changed"', () => {
    const diff = diffFlowDocuments(
      doc([node('a'), node('b')]),
      doc([
        node('a', { position: { x: 40, y: 8 } }),
        node('b', { position: { x: 40, y: 0 }, label: 'B' }),
      ]),
    );
    const moved = diff.byId.get('a');
    expect(moved).toMatchObject({ status: 'moved', moved: true, config: [], policy: [] });
    expect(moved?.node).toEqual([
      { path: ['position'], before: { x: 0, y: 0 }, after: { x: 40, y: 8 } },
    ]);
    expect(diff.byId.get('b')).toMatchObject({ status: 'changed', moved: true });
    expect(diff.byId.get('b')?.node[0]).toEqual({ path: ['label'], before: undefined, after: 'B' });
    expect(diff.counts).toMatchObject({ changed: 1, moved: 1 });
  });

  it('lists config and policy changes per field path with before and after values', () => {
    const diff = diffFlowDocuments(
      doc([
        node('call', {
          type: 'http.request',
          config: { url: 'https://a.example', headers: { accept: 'json' }, retries: [1, 2] },
          policy: { retry: { maxAttempts: 3 } },
        }),
      ]),
      doc([
        node('call', {
          type: 'http.request',
          config: {
            url: 'https://b.example',
            headers: { accept: 'json', auth: 'x' },
            retries: [1, 3],
          },
        }),
      ]),
    );
    const call = diff.byId.get('call');
    expect(call?.status).toBe('changed');
    expect(call?.config).toEqual([
      { path: ['url'], before: 'https://a.example', after: 'https://b.example' },
      { path: ['headers', 'auth'], before: undefined, after: 'x' },
      { path: ['retries'], before: [1, 2], after: [1, 3] },
    ]);
    expect(call?.policy).toEqual([
      { path: ['retry'], before: { maxAttempts: 3 }, after: undefined },
    ]);
  });

  it('reports a type change as a change of the node', () => {
    const diff = diffFlowDocuments(
      doc([node('x', { type: 'logic.if', config: {} })]),
      doc([node('x', { type: 'transform.jsonata', config: {} })]),
    );
    expect(diff.byId.get('x')).toMatchObject({
      status: 'changed',
      node: [{ path: ['type'], before: 'logic.if', after: 'transform.jsonata' }],
    });
  });

  it('compares edges by their connection, not their id', () => {
    const diff = diffFlowDocuments(
      doc(
        [node('a'), node('b'), node('c')],
        [
          { id: 'e1', source: 'a', target: 'b' },
          { id: 'e2', source: 'b', target: 'c', sourceHandle: 'true' },
        ],
      ),
      doc(
        [node('a'), node('b'), node('c')],
        [
          { id: 'renamed', source: 'a', target: 'b' },
          { id: 'e2', source: 'b', target: 'c', sourceHandle: 'false' },
        ],
      ),
    );
    expect(diff.edges.added).toEqual([
      { id: 'e2', source: 'b', target: 'c', sourceHandle: 'false' },
    ]);
    expect(diff.edges.removed).toEqual([
      { id: 'e2', source: 'b', target: 'c', sourceHandle: 'true' },
    ]);
    expect(diff.counts.edges).toBe(2);
    expect(diff.identical).toBe(false);
  });

  it('reports the flow’s name, description and settings', () => {
    const diff = diffFlowDocuments(
      doc([], [], { name: 'Old', settings: { maxConcurrentRuns: 2 } }),
      doc([], [], { name: 'New', description: 'Nightly', settings: { maxConcurrentRuns: 4 } }),
    );
    expect(diff.flow).toEqual([
      { path: ['name'], before: 'Old', after: 'New' },
      { path: ['description'], before: undefined, after: 'Nightly' },
      { path: ['settings', 'maxConcurrentRuns'], before: 2, after: 4 },
    ]);
  });
});

describe('diffValues', () => {
  it('treats a missing key and an undefined one alike', () => {
    expect(diffValues({ a: 1, b: undefined }, { a: 1 }, [])).toEqual([]);
  });

  it('reports a value replaced by an object as one change', () => {
    expect(diffValues({ a: 'text' }, { a: { nested: true } }, ['config'])).toEqual([
      { path: ['config', 'a'], before: 'text', after: { nested: true } },
    ]);
  });
});
