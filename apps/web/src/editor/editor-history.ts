/**
 * Undo and redo for the flow editor. The history watches the editor store from outside: every
 * state change that bumps `revision` is an edit, and the state before it is pushed as a
 * snapshot. Restoring a snapshot brings back its nodes, edges, name, settings and revision, so
 * undoing back to the saved revision leaves the editor clean again.
 */
import type { StoreApi, UseBoundStore } from 'zustand';
import { create } from 'zustand';
import { type EditorState, useEditorStore } from './editor-store.ts';

export type EditorSnapshot = Pick<
  EditorState,
  'nodes' | 'edges' | 'name' | 'description' | 'settings' | 'revision'
>;

type Stack = { past: EditorSnapshot[]; future: EditorSnapshot[] };

export type EditorHistoryState = {
  canUndo: boolean;
  canRedo: boolean;
};

export type EditorHistory = {
  undo(): void;
  redo(): void;
  /** Forgets everything (a flow was loaded). */
  reset(): void;
  /** Small reactive store with `canUndo` / `canRedo` for buttons. */
  useStatus: UseBoundStore<StoreApi<EditorHistoryState>>;
  /** The stacks' lengths, for tests and diagnostics. */
  size(): { past: number; future: number };
};

export const DEFAULT_HISTORY_LIMIT = 100;

function snapshot(s: EditorState): EditorSnapshot {
  return {
    nodes: s.nodes,
    edges: s.edges,
    name: s.name,
    description: s.description,
    settings: s.settings,
    revision: s.revision,
  };
}

const isDragging = (s: EditorState): boolean => s.nodes.some((n) => n.dragging);

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]);
}

/**
 * Which run of edits this one belongs to: consecutive edits with the same key are one undo
 * step. Moves group per drag (while a node is being dragged), typing per field; anything
 * else is a step of its own (null).
 */
export function editGroup(prev: EditorState, next: EditorState): string | null {
  if (prev.edges !== next.edges || prev.settings !== next.settings) return null;
  if (prev.name !== next.name) return prev.nodes === next.nodes ? 'name' : null;
  if (prev.nodes === next.nodes || prev.nodes.length !== next.nodes.length) return null;
  const changed: number[] = [];
  for (let i = 0; i < next.nodes.length; i++) {
    if (prev.nodes[i] !== next.nodes[i]) changed.push(i);
  }
  const pairs = changed.map((i) => [prev.nodes[i], next.nodes[i]] as const);
  if (pairs.some(([a, b]) => !a || !b || a.id !== b.id)) return null;
  const positionsOnly = pairs.every(([a, b]) => a?.data === b?.data);
  if (positionsOnly) return pairs.some(([, b]) => b?.dragging) || isDragging(prev) ? 'drag' : null;
  const [only] = pairs;
  if (pairs.length !== 1 || !only) return null;
  const [a, b] = only;
  if (!a || !b || a.position !== b.position) return null;
  const dataKeys = changedKeys(a.data, b.data);
  if (dataKeys.length !== 1) return null;
  const [key] = dataKeys;
  // Pinning, editing the pin and unpinning are deliberate actions, each a step of its own.
  if (key === 'pinnedOutput') return null;
  if (key !== 'config') return `${key}:${a.id}`;
  const configKeys = changedKeys(a.data.config, b.data.config);
  return configKeys.length === 1 ? `config:${a.id}:${configKeys[0]}` : null;
}

/**
 * Attaches a history to an editor store. Edits made in one synchronous burst (React Flow
 * removes a node's edges, then the node) are one step.
 */
export function attachHistory(
  store: StoreApi<EditorState>,
  options: { limit?: number } = {},
): EditorHistory {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  let stack: Stack = { past: [], future: [] };
  let lastGroup: string | null = null;
  let burstOpen = false;
  let applying = false;
  let highestRevision = store.getState().revision;
  const useStatus = create<EditorHistoryState>()(() => ({ canUndo: false, canRedo: false }));

  const publish = () => {
    const canUndo = stack.past.length > 0;
    const canRedo = stack.future.length > 0;
    const status = useStatus.getState();
    if (status.canUndo !== canUndo || status.canRedo !== canRedo) {
      useStatus.setState({ canUndo, canRedo });
    }
  };

  const apply = (target: EditorSnapshot) => {
    applying = true;
    try {
      const selected = target.nodes.filter((n) => n.selected);
      store.setState({
        ...target,
        nodes: target.nodes.map((n) => (n.dragging ? { ...n, dragging: false } : n)),
        selectedNodeId: selected.length === 1 ? (selected[0]?.id ?? null) : null,
      });
    } finally {
      applying = false;
    }
    lastGroup = null;
    publish();
  };

  const reset = () => {
    stack = { past: [], future: [] };
    lastGroup = null;
    highestRevision = store.getState().revision;
    publish();
  };

  store.subscribe((next, prev) => {
    if (applying || next.revision === prev.revision) return;
    // `load` starts a document at revision 0: a new history, not an edit.
    if (next.revision === 0) {
      reset();
      return;
    }
    const group = editGroup(prev, next);
    // A drag's first move starts a step even right after another drag.
    const startsDrag = group === 'drag' && !isDragging(prev);
    const joins = burstOpen || (group !== null && group === lastGroup && !startsDrag);
    if (!joins) {
      stack = { past: [...stack.past, snapshot(prev)].slice(-limit), future: [] };
    } else if (stack.future.length > 0) {
      stack = { ...stack, future: [] };
    }
    lastGroup = group;
    if (!burstOpen) {
      burstOpen = true;
      queueMicrotask(() => {
        burstOpen = false;
      });
    }
    // After an undo, `revision + 1` may repeat a revision that named other content (perhaps
    // the saved one); every new edit gets a number never used before.
    if (next.revision <= highestRevision) {
      highestRevision += 1;
      applying = true;
      try {
        store.setState({ revision: highestRevision });
      } finally {
        applying = false;
      }
    } else {
      highestRevision = next.revision;
    }
    publish();
  });

  return {
    undo() {
      const previous = stack.past.at(-1);
      if (!previous) return;
      const current = snapshot(store.getState());
      stack = { past: stack.past.slice(0, -1), future: [...stack.future, current] };
      apply(previous);
    },
    redo() {
      const following = stack.future.at(-1);
      if (!following) return;
      const current = snapshot(store.getState());
      stack = { past: [...stack.past, current].slice(-limit), future: stack.future.slice(0, -1) };
      apply(following);
    },
    reset,
    useStatus,
    size: () => ({ past: stack.past.length, future: stack.future.length }),
  };
}

/** The editor's one history, bound to the one editor store. */
export const editorHistory = attachHistory(useEditorStore);
