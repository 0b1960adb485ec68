import { beforeEach, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../api/types.ts';
import { attachHistory, type EditorHistory } from './editor-history.ts';
import { createEditorStore, selectDirty } from './editor-store.ts';

const document: FlowDocument = {
  version: 1,
  name: 'Ping',
  nodes: [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'http_request_1',
      type: 'http.request',
      position: { x: 200, y: 0 },
      config: { url: 'https://a.test' },
    },
  ],
  edges: [{ id: 'e1', source: 'trigger', target: 'http_request_1' }],
};

let store: ReturnType<typeof createEditorStore>;
let history: EditorHistory;

/** Edits in one synchronous burst are one step; a tick separates a user's separate edits. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function edit(action: () => void): Promise<void> {
  action();
  await tick();
}

/** A drag as React Flow reports it: one position change per pointer move, each its own task. */
async function drag(id: string, points: { x: number; y: number }[]): Promise<void> {
  for (const [i, position] of points.entries()) {
    store
      .getState()
      .onNodesChange([{ type: 'position', id, position, dragging: i < points.length - 1 }]);
    await tick();
  }
}

beforeEach(() => {
  store = createEditorStore();
  history = attachHistory(store, { limit: 5 });
  store.getState().load('flow-1', document);
});

describe('editor history', () => {
  it('undoes and redoes a node addition exactly, and undo back to the saved state is clean', async () => {
    await edit(() =>
      store.getState().addNode({ type: 'http.request', config: {} }, { x: 1, y: 2 }),
    );
    expect(store.getState().nodes).toHaveLength(3);
    expect(selectDirty(store.getState())).toBe(true);

    history.undo();
    expect(store.getState().toDocument()).toEqual(document);
    expect(selectDirty(store.getState())).toBe(false);

    history.redo();
    expect(store.getState().nodes.map((n) => n.id)).toContain('http_request_2');
    expect(selectDirty(store.getState())).toBe(true);
  });

  it('adds a node connected to an output as one step, undone together', async () => {
    await edit(() =>
      store
        .getState()
        .addNode(
          { type: 'logic.if', config: {} },
          { x: 400, y: 0 },
          { source: 'http_request_1', sourceHandle: null },
        ),
    );
    expect(store.getState().selectedNodeId).toBe('logic_if_1');
    expect(store.getState().toDocument().edges).toContainEqual({
      id: 'http_request_1-logic_if_1',
      source: 'http_request_1',
      target: 'logic_if_1',
    });
    expect(history.size().past).toBe(1);

    history.undo();
    expect(store.getState().toDocument()).toEqual(document);
  });

  it('groups the moves of one drag into one step, and separate drags into separate steps', async () => {
    await drag('trigger', [
      { x: 10, y: 0 },
      { x: 20, y: 0 },
      { x: 30, y: 8 },
    ]);
    await drag('trigger', [
      { x: 40, y: 8 },
      { x: 50, y: 8 },
    ]);
    expect(history.size().past).toBe(2);
    history.undo();
    expect(store.getState().nodes[0]?.position).toEqual({ x: 30, y: 8 });
    history.undo();
    expect(store.getState().nodes[0]?.position).toEqual({ x: 0, y: 0 });
    expect(store.getState().nodes.some((n) => n.dragging)).toBe(false);
  });

  it('makes moving many nodes at once (auto-layout) one step, even right after a drag', async () => {
    await drag('trigger', [{ x: 8, y: 8 }]);
    await edit(() =>
      store.getState().moveNodes(
        new Map([
          ['trigger', { x: 0, y: 100 }],
          ['http_request_1', { x: 400, y: 100 }],
        ]),
      ),
    );
    expect(history.size().past).toBe(2);
    history.undo();
    expect(store.getState().nodes.map((n) => n.position)).toEqual([
      { x: 8, y: 8 },
      { x: 200, y: 0 },
    ]);
    history.redo();
    expect(store.getState().nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 100 },
      { x: 400, y: 100 },
    ]);
  });

  it('groups typing per field: one step per field, restoring the config exactly', async () => {
    for (const url of ['https://b', 'https://b.t', 'https://b.test']) {
      await edit(() => store.getState().updateConfig('http_request_1', 'url', url));
    }
    for (const method of ['P', 'PO', 'POST']) {
      await edit(() => store.getState().updateConfig('http_request_1', 'method', method));
    }
    await edit(() => store.getState().updateConfig('http_request_1', 'url', 'https://c.test'));
    expect(history.size().past).toBe(3);

    history.undo();
    expect(store.getState().nodes[1]?.data.config).toEqual({
      url: 'https://b.test',
      method: 'POST',
    });
    history.undo();
    expect(store.getState().nodes[1]?.data.config).toEqual({ url: 'https://b.test' });
    history.undo();
    expect(store.getState().nodes[1]?.data.config).toEqual({ url: 'https://a.test' });
    expect(selectDirty(store.getState())).toBe(false);
  });

  it('makes pinning, editing the pin and unpinning one undo step each, redone exactly', async () => {
    const pin = (output: unknown) => store.getState().setPinnedOutput('http_request_1', output);
    const pinned = () => store.getState().toDocument().nodes[1]?.pinnedOutput;
    await edit(() => pin({ status: 200 }));
    await edit(() => pin({ status: 404 }));
    await edit(() => pin(undefined));
    expect(store.getState().toDocument().nodes[1]).not.toHaveProperty('pinnedOutput');

    history.undo();
    expect(pinned()).toEqual({ status: 404 });
    history.undo();
    expect(pinned()).toEqual({ status: 200 });
    expect(selectDirty(store.getState())).toBe(true);
    history.undo();
    expect(store.getState().toDocument()).toEqual(document);
    expect(selectDirty(store.getState())).toBe(false);

    history.redo();
    expect(pinned()).toEqual({ status: 200 });
    history.redo();
    expect(pinned()).toEqual({ status: 404 });
  });

  it('clears redo when a new edit is made', async () => {
    await edit(() => store.getState().setName('One'));
    await edit(() => store.getState().updateLabel('trigger', 'Start'));
    history.undo();
    expect(history.size().future).toBe(1);
    await edit(() => store.getState().updateConfig('trigger', 'x', 1));
    expect(history.size().future).toBe(0);
    history.redo();
    expect(store.getState().nodes[0]?.data.label).toBeUndefined();
    expect(store.getState().nodes[0]?.data.config).toEqual({ x: 1 });
  });

  it('keeps at most `limit` steps, dropping the oldest', async () => {
    for (let i = 0; i < 8; i++) {
      await edit(() => store.getState().addNode({ type: 'log', config: {} }, { x: i * 300, y: 0 }));
    }
    expect(history.size().past).toBe(5);
    for (let i = 0; i < 10; i++) history.undo();
    expect(store.getState().nodes).toHaveLength(2 + 3);
  });

  it('stays dirty after saving, undoing and editing again (no reused revision)', async () => {
    await edit(() => store.getState().setName('Saved name'));
    store.getState().markSaved(store.getState().revision);
    history.undo();
    expect(selectDirty(store.getState())).toBe(true);
    await edit(() => store.getState().setName('Other name'));
    expect(selectDirty(store.getState())).toBe(true);
    history.undo();
    history.redo();
    expect(selectDirty(store.getState())).toBe(true);
    history.undo();
    history.redo();
    history.undo();
    // Back at the loaded document; redo twice is not possible (the branch was replaced).
    expect(store.getState().name).toBe('Ping');
  });

  it('makes a connect and a disconnect undoable, and React Flow removing a node with its edges one step', async () => {
    await edit(() =>
      store.getState().onConnect({
        source: 'http_request_1',
        target: 'trigger',
        sourceHandle: null,
        targetHandle: null,
      }),
    );
    expect(store.getState().edges).toHaveLength(2);
    history.undo();
    expect(store.getState().edges).toHaveLength(1);

    await edit(() => {
      store.getState().onEdgesChange([{ type: 'remove', id: 'e1' }]);
      store.getState().onNodesChange([{ type: 'remove', id: 'http_request_1' }]);
    });
    expect(store.getState().nodes).toHaveLength(1);
    history.undo();
    expect(store.getState().toDocument()).toEqual(document);
    expect(selectDirty(store.getState())).toBe(false);
  });

  it('starts over when a flow is loaded', async () => {
    await edit(() => store.getState().setName('Changed'));
    store.getState().load('flow-2', document);
    expect(history.size()).toEqual({ past: 0, future: 0 });
    expect(history.useStatus.getState().canUndo).toBe(false);
  });
});
