/**
 * The flow editor's client state, following React Flow's zustand guide: nodes, edges and
 * their change callbacks live in one store. Server data (the saved flow, node types) stays in
 * TanStack Query; this store only holds the document being edited.
 */
import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from '@xyflow/react';
import { create } from 'zustand';
import type { ValidationIssue } from '../api/types.ts';
import type { JsonObject } from '../forms/override-value.ts';
import { nextEdgeId, nextNodeId } from './element-ids.ts';
import {
  canvasToDocument,
  type DraftFlowDocument,
  documentSettings,
  documentToCanvas,
} from './flow-document-mapping.ts';
import { CANVAS_NODE_KIND, type FlowCanvasEdge, type FlowCanvasNode } from './flow-types.ts';
import type { StatsOverlayRange } from './stats-overlay.ts';

const EMPTY_ISSUES: readonly ValidationIssue[] = [];

export type IssueIndex = {
  all: readonly ValidationIssue[];
  byNode: Readonly<Record<string, readonly ValidationIssue[]>>;
  byEdge: Readonly<Record<string, readonly ValidationIssue[]>>;
};

/** An output to connect from: a branching node names its handle, a single-output one doesn't. */
export type NodeSource = { source: string; sourceHandle: string | null };

export type EditorState = {
  flowId: string | null;
  name: string;
  description: string | undefined;
  nodes: FlowCanvasNode[];
  edges: FlowCanvasEdge[];
  /** The document's `settings`: only what the user set; undefined when the flow has none. */
  settings: JsonObject | undefined;
  selectedNodeId: string | null;
  /** Bumped on every change to the document's content; saves and validation key on it. */
  revision: number;
  savedRevision: number;
  issues: IssueIndex;
  /** Whether the problems list under the canvas is expanded (editor UI state). */
  problemsOpen: boolean;
  /** Whether the flow settings dialog is open (editor UI state). */
  flowSettingsOpen: boolean;
  /**
   * The canvas's stats overlay (p95 and error rate per node over this range), or null when off.
   * Editor UI state: not part of the document, never dirties it, kept when a flow is loaded.
   */
  statsOverlay: StatsOverlayRange | null;

  load(flowId: string, document: DraftFlowDocument): void;
  toDocument(): DraftFlowDocument;
  setName(name: string): void;
  /**
   * Adds a node, selected (and nothing else). With `from`, also connects that output to it, in
   * the same update so adding and connecting are one undo step.
   */
  addNode(
    node: { type: string; config: Record<string, unknown> },
    position: XYPosition,
    from?: NodeSource,
  ): string;
  updateConfig(nodeId: string, key: string, value: unknown): void;
  updateLabel(nodeId: string, label: string): void;
  /** Replaces a node's policy; undefined removes it from the node. */
  setPolicy(nodeId: string, policy: JsonObject | undefined): void;
  /**
   * Pins a sample output on a node (step tests of later nodes use it); undefined unpins. Part of
   * the document: saved with the flow, and one undo step.
   */
  setPinnedOutput(nodeId: string, output: unknown): void;
  /** Replaces the flow's settings; undefined removes them from the document. */
  setSettings(settings: JsonObject | undefined): void;
  selectNode(nodeId: string | null): void;
  /** Moves the given nodes (auto-layout) in one update, so it is one undo step. */
  moveNodes(positions: ReadonlyMap<string, XYPosition>): void;
  onNodesChange(changes: NodeChange<FlowCanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<FlowCanvasEdge>[]): void;
  onConnect(connection: Connection): void;
  setIssues(issues: readonly ValidationIssue[]): void;
  setProblemsOpen(open: boolean): void;
  setFlowSettingsOpen(open: boolean): void;
  setStatsOverlay(range: StatsOverlayRange | null): void;
  /** Marks the document as saved as of `revision` (later edits keep it dirty). */
  markSaved(revision: number): void;
};

export function indexIssues(issues: readonly ValidationIssue[]): IssueIndex {
  const byNode: Record<string, ValidationIssue[]> = {};
  const byEdge: Record<string, ValidationIssue[]> = {};
  for (const issue of issues) {
    if (issue.nodeId) byNode[issue.nodeId] = [...(byNode[issue.nodeId] ?? []), issue];
    if (issue.edgeId) byEdge[issue.edgeId] = [...(byEdge[issue.edgeId] ?? []), issue];
  }
  return { all: issues, byNode, byEdge };
}

/** Selector: whether there are unsaved changes. */
export const selectDirty = (s: EditorState): boolean => s.revision !== s.savedRevision;

/** Selector factory: one node's issues, with a stable empty array so nodes don't re-render. */
export const selectNodeIssues =
  (nodeId: string) =>
  (s: EditorState): readonly ValidationIssue[] =>
    s.issues.byNode[nodeId] ?? EMPTY_ISSUES;

const CONTENT_NODE_CHANGES = new Set<NodeChange['type']>(['position', 'remove', 'add', 'replace']);
const CONTENT_EDGE_CHANGES = new Set<EdgeChange['type']>(['remove', 'add', 'replace']);

const initialState = {
  flowId: null,
  name: '',
  description: undefined,
  nodes: [],
  edges: [],
  settings: undefined,
  selectedNodeId: null,
  revision: 0,
  savedRevision: 0,
  issues: indexIssues([]),
  problemsOpen: false,
  flowSettingsOpen: false,
} satisfies Partial<EditorState>;

export const createEditorStore = () =>
  create<EditorState>()((set, get) => ({
    ...initialState,
    statsOverlay: null,

    load(flowId, document) {
      const { nodes, edges } = documentToCanvas(document);
      set({
        ...initialState,
        statsOverlay: get().statsOverlay,
        flowId,
        name: document.name,
        description: document.description,
        nodes,
        edges,
        settings: documentSettings(document),
      });
    },

    toDocument() {
      const { name, description, settings, nodes, edges } = get();
      return canvasToDocument({ name, description, settings }, nodes, edges);
    },

    setName(name) {
      set((s) => ({ name, revision: s.revision + 1 }));
    },

    addNode(node, position, from) {
      const { nodes, edges, revision } = get();
      const id = nextNodeId(node.type, new Set(nodes.map((n) => n.id)));
      const created: FlowCanvasNode = {
        id,
        type: CANVAS_NODE_KIND,
        position,
        selected: true,
        data: { nodeType: node.type, config: structuredClone(node.config) },
      };
      const connection = from ? { ...from, target: id, targetHandle: null } : null;
      set({
        nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), created],
        ...(connection
          ? {
              edges: addEdge(
                { ...connection, id: nextEdgeId(connection, new Set(edges.map((e) => e.id))) },
                edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
              ),
            }
          : {}),
        selectedNodeId: id,
        revision: revision + 1,
      });
      return id;
    },

    updateConfig(nodeId, key, value) {
      set((s) => ({
        revision: s.revision + 1,
        nodes: s.nodes.map((n) => {
          if (n.id !== nodeId) return n;
          const config = { ...n.data.config };
          if (value === undefined) delete config[key];
          else config[key] = value;
          return { ...n, data: { ...n.data, config } };
        }),
      }));
    },

    updateLabel(nodeId, label) {
      set((s) => ({
        revision: s.revision + 1,
        nodes: s.nodes.map((n) => {
          if (n.id !== nodeId) return n;
          const { label: _old, ...rest } = n.data;
          return { ...n, data: label === '' ? rest : { ...rest, label } };
        }),
      }));
    },

    setPolicy(nodeId, policy) {
      set((s) => ({
        revision: s.revision + 1,
        nodes: s.nodes.map((n) => {
          if (n.id !== nodeId) return n;
          const { policy: _old, ...rest } = n.data;
          return { ...n, data: policy === undefined ? rest : { ...rest, policy } };
        }),
      }));
    },

    setPinnedOutput(nodeId, output) {
      set((s) => ({
        revision: s.revision + 1,
        nodes: s.nodes.map((n) => {
          if (n.id !== nodeId) return n;
          const { pinnedOutput: _old, ...rest } = n.data;
          return { ...n, data: output === undefined ? rest : { ...rest, pinnedOutput: output } };
        }),
      }));
    },

    setSettings(settings) {
      set((s) => ({ settings, revision: s.revision + 1 }));
    },

    selectNode(nodeId) {
      set((s) => ({
        selectedNodeId: nodeId,
        nodes: s.nodes.map((n) => {
          const selected = n.id === nodeId;
          return Boolean(n.selected) === selected ? n : { ...n, selected };
        }),
        edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      }));
    },

    moveNodes(positions) {
      set((s) => {
        let moved = false;
        const nodes = s.nodes.map((n) => {
          const position = positions.get(n.id);
          if (!position || (position.x === n.position.x && position.y === n.position.y)) return n;
          moved = true;
          return { ...n, position };
        });
        return moved ? { nodes, revision: s.revision + 1 } : {};
      });
    },

    onNodesChange(changes) {
      set((s) => {
        const nodes = applyNodeChanges(changes, s.nodes);
        const touchesContent = changes.some((c) => CONTENT_NODE_CHANGES.has(c.type));
        const touchesSelection = changes.some((c) => c.type === 'select' || c.type === 'remove');
        const selected = nodes.filter((n) => n.selected);
        return {
          nodes,
          ...(touchesContent ? { revision: s.revision + 1 } : {}),
          ...(touchesSelection
            ? { selectedNodeId: selected.length === 1 ? (selected[0]?.id ?? null) : null }
            : {}),
        };
      });
    },

    onEdgesChange(changes) {
      set((s) => ({
        edges: applyEdgeChanges(changes, s.edges),
        ...(changes.some((c) => CONTENT_EDGE_CHANGES.has(c.type))
          ? { revision: s.revision + 1 }
          : {}),
      }));
    },

    onConnect(connection) {
      if (connection.source === connection.target) return;
      set((s) => {
        const id = nextEdgeId(connection, new Set(s.edges.map((e) => e.id)));
        const edges = addEdge({ ...connection, id }, s.edges);
        return edges.length === s.edges.length ? {} : { edges, revision: s.revision + 1 };
      });
    },

    setIssues(issues) {
      set({ issues: indexIssues(issues) });
    },

    setProblemsOpen(problemsOpen) {
      set({ problemsOpen });
    },

    setFlowSettingsOpen(flowSettingsOpen) {
      set({ flowSettingsOpen });
    },

    setStatsOverlay(statsOverlay) {
      set({ statsOverlay });
    },

    markSaved(revision) {
      set({ savedRevision: revision });
    },
  }));

/** The editor store hook. One editor is open at a time, so one store serves the app. */
export const useEditorStore = createEditorStore();
