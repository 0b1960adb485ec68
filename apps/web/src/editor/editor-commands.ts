/**
 * Editor commands behind the keyboard shortcuts and the context menu: select all, copy, cut,
 * paste, duplicate, delete and delete-and-reconnect. Each one is a single store update, so
 * it is a single undo step.
 */
import type { XYPosition } from '@xyflow/react';
import { toast } from '../ui/toast-store.ts';
import { readClipboardText, writeClipboardText } from './clipboard-access.ts';
import { deleteAndReconnect } from './delete-and-reconnect.ts';
import { useEditorStore } from './editor-store.ts';
import {
  copySelection,
  PASTE_OFFSET,
  parseClipboard,
  remapFragment,
  serializeClipboard,
} from './flow-clipboard.ts';

function selectedIds(): Set<string> {
  return new Set(
    useEditorStore
      .getState()
      .nodes.filter((n) => n.selected)
      .map((n) => n.id),
  );
}

export function selectAll(): void {
  useEditorStore.setState((s) => ({
    nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
    edges: s.edges.map((e) => (e.selected ? e : { ...e, selected: true })),
    selectedNodeId: s.nodes.length === 1 ? (s.nodes[0]?.id ?? null) : null,
  }));
}

export async function copySelected(): Promise<boolean> {
  const { nodes, edges } = useEditorStore.getState();
  const document = copySelection(nodes, edges, selectedIds());
  if (!document) return false;
  await writeClipboardText(serializeClipboard(document));
  return true;
}

export function deleteSelected(): void {
  const ids = selectedIds();
  if (ids.size === 0) return;
  useEditorStore.setState((s) => ({
    nodes: s.nodes.filter((n) => !ids.has(n.id)),
    edges: s.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target) && !e.selected),
    selectedNodeId: null,
    revision: s.revision + 1,
  }));
}

export async function cutSelected(): Promise<void> {
  if (await copySelected()) deleteSelected();
}

/** Adds flow JSON as new, selected nodes (everything else deselected). */
export function insertFlowJson(
  text: string,
  placement: { offset: XYPosition } | { at: XYPosition } = { offset: PASTE_OFFSET },
): boolean {
  const parsed = parseClipboard(text);
  if (!parsed.ok) {
    toast({ tone: 'error', title: "Couldn't paste", detail: parsed.message });
    return false;
  }
  useEditorStore.setState((s) => {
    const added = remapFragment(parsed.fragment, s, placement);
    return {
      nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added.nodes],
      edges: [...s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...added.edges],
      selectedNodeId: added.nodes.length === 1 ? (added.nodes[0]?.id ?? null) : null,
      revision: s.revision + 1,
    };
  });
  return true;
}

export async function pasteClipboard(at?: XYPosition): Promise<void> {
  const text = await readClipboardText();
  if (text === null) {
    toast({ tone: 'info', title: 'Nothing to paste', detail: 'Copy some nodes first.' });
    return;
  }
  insertFlowJson(text, at ? { at } : { offset: PASTE_OFFSET });
}

/** Copies the selection and pastes it beside itself, without touching the clipboard. */
export function duplicateSelected(): void {
  const { nodes, edges } = useEditorStore.getState();
  const document = copySelection(nodes, edges, selectedIds());
  if (document) insertFlowJson(serializeClipboard(document));
}

export function deleteNodeAndReconnect(nodeId: string): void {
  useEditorStore.setState((s) => ({
    ...deleteAndReconnect(s.nodes, s.edges, nodeId),
    selectedNodeId: s.selectedNodeId === nodeId ? null : s.selectedNodeId,
    revision: s.revision + 1,
  }));
}
