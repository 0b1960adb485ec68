import { describe, expect, it } from 'vitest';
import {
  copySelection,
  PASTE_OFFSET,
  parseClipboard,
  remapFragment,
  serializeClipboard,
} from './flow-clipboard.ts';
import { documentToCanvas } from './flow-document-mapping.ts';

const flow = documentToCanvas({
  version: 1,
  name: 'Source',
  nodes: [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'check', type: 'logic.if', position: { x: 100, y: 50 }, config: { condition: 'a' } },
    { id: 'log_1', type: 'log', position: { x: 300, y: 50 }, config: { message: 'hi' } },
  ],
  edges: [
    { id: 'e1', source: 'trigger', target: 'check' },
    { id: 'e2', source: 'check', target: 'log_1', sourceHandle: 'true' },
  ],
});

function copied(ids: string[]) {
  const document = copySelection(flow.nodes, flow.edges, new Set(ids));
  if (!document) throw new Error('nothing copied');
  const parsed = parseClipboard(serializeClipboard(document));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.fragment;
}

describe('flow clipboard', () => {
  it('copies the selected nodes with only the edges between them, as a flow document', () => {
    const document = copySelection(flow.nodes, flow.edges, new Set(['check', 'log_1']));
    expect(document?.version).toBe(1);
    expect(document?.nodes.map((n) => n.id)).toEqual(['check', 'log_1']);
    expect(document?.edges).toEqual([
      { id: 'e2', source: 'check', target: 'log_1', sourceHandle: 'true' },
    ]);
  });

  it('gives pasted nodes ids unique against the target flow and keeps internal edges', () => {
    const pasted = remapFragment(copied(['check', 'log_1']), flow);
    const ids = pasted.nodes.map((n) => n.id);
    expect(ids).toEqual(['logic_if_1', 'log_2']);
    for (const id of ids) expect(flow.nodes.some((n) => n.id === id)).toBe(false);
    expect(pasted.edges).toEqual([
      {
        id: 'logic_if_1-true-log_2',
        source: 'logic_if_1',
        target: 'log_2',
        sourceHandle: 'true',
        targetHandle: null,
      },
    ]);
    expect(pasted.nodes[0]?.data.config).toEqual({ condition: 'a' });
  });

  it('keeps a pinned output on a copied and pasted node', () => {
    const pinned = documentToCanvas({
      version: 1,
      name: 'Pinned',
      nodes: [
        {
          id: 'log_1',
          type: 'log',
          position: { x: 0, y: 0 },
          config: {},
          pinnedOutput: { ok: true },
        },
      ],
      edges: [],
    });
    const document = copySelection(pinned.nodes, pinned.edges, new Set(['log_1']));
    const parsed = parseClipboard(serializeClipboard(document!));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(remapFragment(parsed.fragment, flow).nodes[0]?.data.pinnedOutput).toEqual({ ok: true });
  });

  it('drops edges to nodes that were not copied', () => {
    const fragment = copied(['check']);
    const withExternal = {
      ...fragment,
      edges: [{ id: 'e1', source: 'trigger', target: 'check' }],
    };
    expect(remapFragment(withExternal, flow).edges).toEqual([]);
  });

  it('offsets pasted nodes and selects them, or places them at a point', () => {
    const pasted = remapFragment(copied(['check', 'log_1']), flow);
    expect(pasted.nodes.map((n) => n.position)).toEqual([
      { x: 100 + PASTE_OFFSET.x, y: 50 + PASTE_OFFSET.y },
      { x: 300 + PASTE_OFFSET.x, y: 50 + PASTE_OFFSET.y },
    ]);
    expect(pasted.nodes.every((n) => n.selected)).toBe(true);
    const placed = remapFragment(copied(['check', 'log_1']), flow, { at: { x: 0, y: 500 } });
    expect(placed.nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 500 },
      { x: 200, y: 500 },
    ]);
  });

  it('does not share config objects between the copy and the original', () => {
    const fragment = copied(['log_1']);
    const pasted = remapFragment(fragment, flow);
    (pasted.nodes[0]?.data.config as Record<string, unknown>).message = 'changed';
    expect(fragment.nodes[0]?.config).toEqual({ message: 'hi' });
  });

  it('refuses text that is not flow JSON with a message', () => {
    expect(parseClipboard('hello')).toEqual({
      ok: false,
      message: 'The clipboard does not hold flow JSON.',
    });
    const noNodes = parseClipboard('{"nodes": []}');
    expect(noNodes.ok).toBe(false);
    const badNode = parseClipboard('{"nodes": [{"id": "a"}]}');
    expect(badNode.ok).toBe(false);
    if (!badNode.ok) expect(badNode.message).toContain('nodes.0');
  });
});
