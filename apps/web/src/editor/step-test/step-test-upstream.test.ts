import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../api/types.ts';
import { documentToCanvas } from '../flow-document-mapping.ts';
import {
  ancestorIds,
  selectUpstream,
  stepTestUpstream,
  upstreamNodes,
} from './step-test-upstream.ts';

const document: FlowDocument = {
  version: 1,
  name: 'Orders',
  nodes: [
    {
      id: 'start',
      type: 'trigger.manual',
      position: { x: 0, y: 0 },
      config: { sampleInput: { orderId: 7 } },
    },
    {
      id: 'fetch',
      type: 'http.request',
      label: 'Fetch order',
      position: { x: 200, y: 0 },
      config: { url: 'https://a.test' },
      pinnedOutput: { status: 200, body: { total: 12 } },
    },
    { id: 'shape', type: 'transform.jsonata', position: { x: 400, y: 0 }, config: {} },
    { id: 'aside', type: 'log', position: { x: 400, y: 200 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'fetch' },
    { id: 'e2', source: 'fetch', target: 'shape' },
    { id: 'e3', source: 'start', target: 'aside' },
  ],
};

const isTrigger = (type: string) => type.startsWith('trigger.');

describe('step test upstream', () => {
  it('finds every node with a path to the tested one, and stops at cycles', () => {
    expect(ancestorIds(document.edges, 'shape')).toEqual(new Set(['start', 'fetch']));
    expect(ancestorIds(document.edges, 'start')).toEqual(new Set());
    const cycle = [...document.edges, { source: 'shape', target: 'fetch' }];
    expect(ancestorIds(cycle, 'shape')).toEqual(new Set(['start', 'fetch']));
  });

  it('lists the upstream nodes in document order with their pins and sample inputs', () => {
    const { nodes, edges } = documentToCanvas(document);
    expect(upstreamNodes(nodes, edges, 'shape')).toEqual([
      {
        nodeId: 'start',
        nodeType: 'trigger.manual',
        label: undefined,
        pinned: false,
        hasSampleInput: true,
      },
      {
        nodeId: 'fetch',
        nodeType: 'http.request',
        label: 'Fetch order',
        pinned: true,
        hasSampleInput: false,
      },
    ]);
  });

  it('keeps the same list while unrelated parts of the document change', () => {
    const select = selectUpstream('shape');
    const canvas = documentToCanvas(document);
    const first = select(canvas);
    const moved = canvas.nodes.map((n) =>
      n.id === 'fetch' ? { ...n, position: { x: 9, y: 9 } } : n,
    );
    expect(select({ nodes: moved, edges: canvas.edges })).toBe(first);
    const unpinned = moved.map((n) =>
      n.id === 'fetch' ? { ...n, data: { nodeType: n.data.nodeType, config: n.data.config } } : n,
    );
    const next = select({ nodes: unpinned, edges: canvas.edges });
    expect(next).not.toBe(first);
    expect(next.find((n) => n.nodeId === 'fetch')?.pinned).toBe(false);
  });

  it('names the shown run as the upstream data when there is one', () => {
    expect(stepTestUpstream(document, 'shape', { runId: 'run-1', isTrigger })).toEqual({
      runId: 'run-1',
    });
  });

  it('without a run, sends the upstream pinned outputs and the trigger sample input', () => {
    expect(stepTestUpstream(document, 'shape', { runId: null, isTrigger })).toEqual({
      input: { trigger: { orderId: 7 }, nodes: { fetch: { status: 200, body: { total: 12 } } } },
    });
    // Only what is upstream: a pin on the tested node or beside it is not its input.
    expect(stepTestUpstream(document, 'aside', { runId: null, isTrigger })).toEqual({
      input: { trigger: { orderId: 7 }, nodes: {} },
    });
  });

  it("takes a trigger's pinned output, even null, over its sample input", () => {
    for (const pinnedOutput of [{ orderId: 99 }, null]) {
      const pinned = {
        ...document,
        nodes: document.nodes.map((n) => (n.id === 'start' ? { ...n, pinnedOutput } : n)),
      };
      const upstream = stepTestUpstream(pinned, 'aside', { runId: null, isTrigger });
      expect(upstream).toEqual({
        input: { trigger: pinnedOutput, nodes: { start: pinnedOutput } },
      });
    }
    const bare = { ...document, nodes: document.nodes.map((n) => ({ ...n, config: {} })) };
    expect(stepTestUpstream(bare, 'aside', { runId: null, isTrigger })).toEqual({
      input: { trigger: {}, nodes: {} },
    });
  });
});
