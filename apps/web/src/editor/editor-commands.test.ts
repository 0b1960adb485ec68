import { beforeEach, describe, expect, it } from 'vitest';
import { useToastStore } from '../ui/toast-store.ts';
import { insertFlowJson } from './editor-commands.ts';
import { useEditorStore } from './editor-store.ts';

beforeEach(() => {
  useEditorStore.getState().load('flow-1', {
    version: 1,
    name: 'Target',
    nodes: [{ id: 'log_1', type: 'log', position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  });
  useToastStore.setState({ toasts: [] });
});

describe('pasting flow JSON', () => {
  it('ignores invalid clipboard JSON and says so in a toast', () => {
    const before = useEditorStore.getState();
    expect(insertFlowJson('{"not": "a flow"}')).toBe(false);
    expect(useEditorStore.getState().nodes).toBe(before.nodes);
    expect(useEditorStore.getState().revision).toBe(before.revision);
    expect(useToastStore.getState().toasts).toMatchObject([
      { tone: 'error', title: "Couldn't paste" },
    ]);
  });

  it('adds pasted nodes selected, deselecting the rest, as one edit', () => {
    useEditorStore.getState().selectNode('log_1');
    const text = JSON.stringify({
      nodes: [{ id: 'log_1', type: 'log', position: { x: 0, y: 0 }, config: { message: 'x' } }],
    });
    expect(insertFlowJson(text)).toBe(true);
    const { nodes, revision } = useEditorStore.getState();
    expect(nodes.map((n) => [n.id, Boolean(n.selected)])).toEqual([
      ['log_1', false],
      ['log_2', true],
    ]);
    expect(revision).toBe(1);
  });
});
