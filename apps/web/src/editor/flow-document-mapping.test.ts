import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../api/types.ts';
import { canvasToDocument, documentSettings, documentToCanvas } from './flow-document-mapping.ts';

const document: FlowDocument = {
  version: 1,
  name: 'Ping',
  description: 'Checks the API',
  nodes: [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'check',
      type: 'logic.if',
      label: 'Is it up?',
      position: { x: 240, y: 10 },
      config: { condition: 'status = 200' },
    },
    {
      id: 'notify',
      type: 'http.request',
      position: { x: 480, y: -40 },
      config: { method: 'POST', url: 'https://example.test', headers: { a: 'b' } },
    },
  ],
  edges: [
    { id: 'e1', source: 'trigger', target: 'check' },
    { id: 'e2', source: 'check', target: 'notify', sourceHandle: 'true' },
  ],
};

describe('flow document mapping', () => {
  it('renders every document node with the patchbay renderer and keeps type, label and config', () => {
    const { nodes } = documentToCanvas(document);
    expect(nodes.map((n) => n.type)).toEqual(['patchbay', 'patchbay', 'patchbay']);
    expect(nodes[1]).toMatchObject({
      id: 'check',
      position: { x: 240, y: 10 },
      data: { nodeType: 'logic.if', label: 'Is it up?', config: { condition: 'status = 200' } },
    });
    expect(nodes[0]?.data).not.toHaveProperty('label');
  });

  it('maps missing handles to null so React Flow uses the only handle', () => {
    const { edges } = documentToCanvas(document);
    expect(edges[0]).toEqual({
      id: 'e1',
      source: 'trigger',
      target: 'check',
      sourceHandle: null,
      targetHandle: null,
    });
    expect(edges[1]?.sourceHandle).toBe('true');
  });

  it('round-trips a document unchanged', () => {
    const { nodes, edges } = documentToCanvas(document);
    expect(canvasToDocument(document, nodes, edges)).toEqual(document);
  });

  it('does not share config objects with the document it was loaded from', () => {
    const { nodes } = documentToCanvas(document);
    expect(nodes[2]?.data.config).not.toBe(document.nodes[2]?.config);
  });

  it('round-trips node policies and flow settings byte for byte', () => {
    const withPolicy: FlowDocument = {
      ...document,
      nodes: document.nodes.map((node) =>
        node.id === 'notify'
          ? {
              ...node,
              policy: {
                retry: { maxAttempts: 5, retryHttpStatuses: [409] },
                timeoutMs: 10_000,
                rateLimit: { limit: 25, periodMs: 1000, burst: 5, maxWaitMs: 300_000 },
                target: 'stripe:acct_42',
              },
            }
          : node,
      ),
      settings: { maxConcurrentRuns: 2, runTimeoutMs: 600_000 },
    };
    const { nodes, edges } = documentToCanvas(withPolicy);
    const meta = { ...withPolicy, settings: documentSettings(withPolicy) };
    expect(JSON.stringify(canvasToDocument(meta, nodes, edges))).toBe(JSON.stringify(withPolicy));
  });

  it('keeps a pinned output through load and save, apart from the loaded document', () => {
    const pinnedOutput = { status: 200, body: { items: [{ id: 1 }] } };
    const pinned: FlowDocument = {
      ...document,
      nodes: document.nodes.map((node) =>
        node.id === 'notify'
          ? { ...node, pinnedOutput, policy: { retry: { maxAttempts: 2 } } }
          : node,
      ),
    };
    const { nodes, edges } = documentToCanvas(pinned);
    expect(nodes[2]?.data.pinnedOutput).toEqual(pinnedOutput);
    expect(nodes[2]?.data.pinnedOutput).not.toBe(pinnedOutput);
    expect(nodes[0]?.data).not.toHaveProperty('pinnedOutput');
    // Byte for byte: the format's key order (config, pinnedOutput, policy) is kept.
    expect(JSON.stringify(canvasToDocument(pinned, nodes, edges))).toBe(JSON.stringify(pinned));
  });

  it('keeps a pinned null: null is a pinned value, not the absence of one', () => {
    const pinned = {
      ...document,
      nodes: [{ ...document.nodes[0]!, pinnedOutput: null }],
      edges: [],
    };
    const { nodes, edges } = documentToCanvas(pinned);
    expect(canvasToDocument(pinned, nodes, edges).nodes[0]).toHaveProperty('pinnedOutput', null);
  });

  it('keeps even an empty policy or settings object that was loaded and not touched', () => {
    const sparse = {
      ...document,
      nodes: [{ ...document.nodes[0]!, policy: {} }],
      edges: [],
      settings: {},
    };
    const { nodes, edges } = documentToCanvas(sparse);
    expect(JSON.stringify(canvasToDocument(sparse, nodes, edges))).toBe(JSON.stringify(sparse));
  });

  it('does not share policy or settings objects with the document it was loaded from', () => {
    const loaded = {
      ...document,
      nodes: [{ ...document.nodes[0]!, policy: { retry: { maxAttempts: 2 } } }],
      settings: { maxConcurrentRuns: 1 },
    };
    const { nodes } = documentToCanvas(loaded);
    expect(nodes[0]?.data.policy).toEqual(loaded.nodes[0]?.policy);
    expect(nodes[0]?.data.policy?.retry).not.toBe(loaded.nodes[0]?.policy.retry);
    expect(documentSettings(loaded)).not.toBe(loaded.settings);
    expect(documentSettings(document)).toBeUndefined();
  });

  it('rounds positions, drops blank labels and null handles when writing a document', () => {
    const result = canvasToDocument(
      { name: 'x' },
      [
        {
          id: 'a',
          type: 'patchbay',
          position: { x: 10.6, y: -3.2 },
          data: { nodeType: 'trigger.manual', label: '  ', config: {} },
        },
      ],
      [{ id: 'e', source: 'a', target: 'b', sourceHandle: null, targetHandle: null }],
    );
    expect(result).toEqual({
      version: 1,
      name: 'x',
      nodes: [{ id: 'a', type: 'trigger.manual', position: { x: 11, y: -3 }, config: {} }],
      edges: [{ id: 'e', source: 'a', target: 'b' }],
    });
  });
});
