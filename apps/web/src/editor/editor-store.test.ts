import { beforeEach, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../api/types.ts';
import { createEditorStore, selectDirty, selectNodeIssues } from './editor-store.ts';

const document: FlowDocument = {
  version: 1,
  name: 'Ping',
  nodes: [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'http_request_1', type: 'http.request', position: { x: 200, y: 0 }, config: {} },
  ],
  edges: [{ id: 'e1', source: 'trigger', target: 'http_request_1' }],
};

let store: ReturnType<typeof createEditorStore>;
beforeEach(() => {
  store = createEditorStore();
  store.getState().load('flow-1', document);
});

describe('editor store', () => {
  it('turns the stats overlay on and off without touching the document or its dirty state', () => {
    const before = store.getState();
    store.getState().setStatsOverlay('24h');
    expect(store.getState().statsOverlay).toBe('24h');
    store.getState().setStatsOverlay('7d');
    const after = store.getState();
    expect(after.statsOverlay).toBe('7d');
    expect(after.revision).toBe(before.revision);
    expect(selectDirty(after)).toBe(false);
    expect(after.toDocument()).toEqual(document);
    // Kept when a flow is (re)loaded, as after a save.
    store.getState().load('flow-1', document);
    expect(store.getState().statsOverlay).toBe('7d');
    store.getState().setStatsOverlay(null);
    expect(store.getState().statsOverlay).toBeNull();
  });

  it('loads a document clean and gives the same document back', () => {
    const state = store.getState();
    expect(selectDirty(state)).toBe(false);
    expect(state.flowId).toBe('flow-1');
    expect(state.toDocument()).toEqual(document);
  });

  it('adds a node with a unique id derived from its type, selected, and marks dirty', () => {
    const id = store
      .getState()
      .addNode({ type: 'http.request', config: { method: 'GET' } }, { x: 5, y: 6 });
    const state = store.getState();
    expect(id).toBe('http_request_2');
    expect(state.selectedNodeId).toBe('http_request_2');
    expect(state.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['http_request_2']);
    expect(state.toDocument().nodes.at(-1)).toEqual({
      id: 'http_request_2',
      type: 'http.request',
      position: { x: 5, y: 6 },
      config: { method: 'GET' },
    });
    expect(selectDirty(state)).toBe(true);
  });

  it('copies default config so edits never leak into the node type descriptor', () => {
    const defaults = { headers: { a: 'b' } };
    const id = store.getState().addNode({ type: 'http.request', config: defaults }, { x: 0, y: 0 });
    store.getState().updateConfig(id, 'headers', { c: 'd' });
    expect(defaults).toEqual({ headers: { a: 'b' } });
  });

  it('updates and clears one config key', () => {
    const { updateConfig } = store.getState();
    updateConfig('http_request_1', 'url', 'https://example.test');
    updateConfig('http_request_1', 'timeoutMs', 500);
    updateConfig('http_request_1', 'timeoutMs', undefined);
    expect(store.getState().toDocument().nodes[1]?.config).toEqual({
      url: 'https://example.test',
    });
  });

  it('sets and removes a label', () => {
    store.getState().updateLabel('trigger', 'Start');
    expect(store.getState().toDocument().nodes[0]?.label).toBe('Start');
    store.getState().updateLabel('trigger', '');
    expect(store.getState().toDocument().nodes[0]).not.toHaveProperty('label');
  });

  it('sets and removes a node policy and the flow settings as edits that reach the document', () => {
    const { setPolicy, setSettings } = store.getState();
    setPolicy('http_request_1', { retry: { maxAttempts: 5 } });
    setSettings({ maxConcurrentRuns: 2 });
    let state = store.getState();
    expect(selectDirty(state)).toBe(true);
    expect(state.toDocument().nodes[1]?.policy).toEqual({ retry: { maxAttempts: 5 } });
    expect(state.toDocument().settings).toEqual({ maxConcurrentRuns: 2 });

    state.markSaved(state.revision);
    setPolicy('http_request_1', undefined);
    setSettings(undefined);
    state = store.getState();
    expect(selectDirty(state)).toBe(true);
    expect(state.toDocument().nodes[1]).not.toHaveProperty('policy');
    expect(state.toDocument()).not.toHaveProperty('settings');
  });

  it('pins and unpins a node output as edits that reach the document, leaving other nodes alone', () => {
    const trigger = store.getState().nodes[0];
    store.getState().setPinnedOutput('http_request_1', { status: 200, body: [1, 2] });
    let state = store.getState();
    expect(selectDirty(state)).toBe(true);
    expect(state.nodes[0]).toBe(trigger);
    expect(state.toDocument().nodes[1]?.pinnedOutput).toEqual({ status: 200, body: [1, 2] });

    state.markSaved(state.revision);
    store.getState().setPinnedOutput('http_request_1', undefined);
    state = store.getState();
    expect(selectDirty(state)).toBe(true);
    expect(state.toDocument()).toEqual(document);
  });

  it('gives back a loaded policy and settings unchanged, and drops them on the next load', () => {
    const withReliability: FlowDocument = {
      ...document,
      nodes: [
        document.nodes[0]!,
        { ...document.nodes[1]!, policy: { breaker: { enabled: false } } },
      ],
      settings: { runTimeoutMs: 60_000 },
    };
    store.getState().load('flow-2', withReliability);
    expect(JSON.stringify(store.getState().toDocument())).toBe(JSON.stringify(withReliability));
    store.getState().load('flow-1', document);
    expect(store.getState().toDocument()).toEqual(document);
  });

  it('connects nodes with a generated id and ignores duplicates and self-loops', () => {
    const { onConnect } = store.getState();
    const connection = {
      source: 'http_request_1',
      target: 'trigger',
      sourceHandle: null,
      targetHandle: null,
    };
    onConnect(connection);
    onConnect(connection);
    onConnect({ ...connection, target: 'http_request_1' });
    expect(store.getState().edges.map((e) => e.id)).toEqual(['e1', 'http_request_1-trigger']);
  });

  it('tracks the selected node from React Flow selection changes', () => {
    store.getState().onNodesChange([{ type: 'select', id: 'trigger', selected: true }]);
    expect(store.getState().selectedNodeId).toBe('trigger');
    expect(selectDirty(store.getState())).toBe(false);
    store.getState().onNodesChange([{ type: 'remove', id: 'trigger' }]);
    expect(store.getState().selectedNodeId).toBeNull();
    expect(selectDirty(store.getState())).toBe(true);
  });

  it('treats moves and edge removals as edits but not dimension measurements', () => {
    store
      .getState()
      .onNodesChange([
        { type: 'dimensions', id: 'trigger', dimensions: { width: 100, height: 40 } },
      ]);
    expect(selectDirty(store.getState())).toBe(false);
    store.getState().onEdgesChange([{ type: 'remove', id: 'e1' }]);
    expect(store.getState().edges).toEqual([]);
    expect(selectDirty(store.getState())).toBe(true);
  });

  it('moves several nodes in one edit, and moving nodes to where they are is no edit', () => {
    const before = store.getState();
    store.getState().moveNodes(new Map([['trigger', { x: 0, y: 0 }]]));
    expect(store.getState().revision).toBe(before.revision);
    store.getState().moveNodes(
      new Map([
        ['trigger', { x: 10, y: 20 }],
        ['http_request_1', { x: 300, y: 20 }],
      ]),
    );
    const after = store.getState();
    expect(after.revision).toBe(before.revision + 1);
    expect(after.nodes.map((n) => n.position)).toEqual([
      { x: 10, y: 20 },
      { x: 300, y: 20 },
    ]);
  });

  it('stays dirty when edits land after the revision that was saved', () => {
    store.getState().setName('Renamed');
    const savedAt = store.getState().revision;
    store.getState().updateLabel('trigger', 'later edit');
    store.getState().markSaved(savedAt);
    expect(selectDirty(store.getState())).toBe(true);
    store.getState().markSaved(store.getState().revision);
    expect(selectDirty(store.getState())).toBe(false);
  });

  it('indexes validation issues by node and edge', () => {
    store.getState().setIssues([
      {
        code: 'node.invalid_config',
        message: 'url: required',
        nodeId: 'http_request_1',
        path: ['url'],
      },
      { code: 'edge.dangling', message: 'target missing', edgeId: 'e1', path: [] },
      { code: 'graph.no_trigger', message: 'no trigger', path: [] },
    ]);
    const { issues } = store.getState();
    expect(issues.all).toHaveLength(3);
    expect(issues.byNode.http_request_1?.map((i) => i.message)).toEqual(['url: required']);
    expect(issues.byEdge.e1).toHaveLength(1);
  });

  // React Flow re-renders a node only when its node object changes: edits must leave the others be.
  it("keeps every other node's object when one node's config, label or policy changes", () => {
    const trigger = store.getState().nodes.find((n) => n.id === 'trigger');
    store.getState().updateConfig('http_request_1', 'url', 'https://a.test');
    store.getState().updateLabel('http_request_1', 'Fetch');
    store.getState().setPolicy('http_request_1', { retry: { maxAttempts: 2 } });
    const nodes = store.getState().nodes;
    expect(nodes.find((n) => n.id === 'trigger')).toBe(trigger);
    expect(nodes.find((n) => n.id === 'http_request_1')?.data.label).toBe('Fetch');
  });

  it("gives a node without issues the same issue list after another node's issues change", () => {
    const before = selectNodeIssues('trigger')(store.getState());
    store.getState().setIssues([
      {
        code: 'node.invalid_config',
        message: 'url: required',
        nodeId: 'http_request_1',
        path: ['url'],
      },
    ]);
    expect(selectNodeIssues('trigger')(store.getState())).toBe(before);
    expect(selectNodeIssues('http_request_1')(store.getState())).toHaveLength(1);
  });
});
