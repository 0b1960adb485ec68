/**
 * Keyboard shortcuts for history, the clipboard and the node picker. They never fire while the user types in
 * an input, a textarea, a select or a CodeMirror editor.
 */
import { useEffect } from 'react';
import {
  copySelected,
  cutSelected,
  deleteNodeAndReconnect,
  duplicateSelected,
  pasteClipboard,
  selectAll,
} from './editor-commands.ts';
import { editorHistory } from './editor-history.ts';
import { useEditorStore } from './editor-store.ts';
import { openNodePicker } from './node-picker-store.ts';

/** The canvas's own shortcuts (besides React Flow's), for the keyboard map. */
export const EDITOR_SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: '/ or Tab', action: 'Search and add a node (beside the selected one)' },
  { keys: 'Ctrl+Z', action: 'Undo' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', action: 'Redo' },
  { keys: 'Ctrl+A', action: 'Select all' },
  { keys: 'Ctrl+C / Ctrl+X / Ctrl+V', action: 'Copy, cut, paste' },
  { keys: 'Ctrl+D', action: 'Duplicate the selection' },
  { keys: 'Delete', action: 'Delete the selection' },
  { keys: 'Shift+Delete', action: 'Delete a node and reconnect its neighbours' },
];

/** Tab opens the picker only from the canvas (or nowhere): elsewhere it moves focus as usual. */
function isCanvasFocus(target: EventTarget | null): boolean {
  return (
    target === document.body ||
    (target instanceof Element && target.closest('.react-flow') !== null)
  );
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return Boolean(
    target.closest(
      'input, textarea, select, [contenteditable=""], [contenteditable="true"], .cm-editor',
    ),
  );
}

export function useEditorShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      // Dialogs (flow settings) own their keys.
      if (event.target instanceof Element && event.target.closest('dialog')) return;
      const key = event.key.toLowerCase();
      const mod = event.ctrlKey || event.metaKey;
      if (mod && !event.altKey) {
        const run = (action: () => unknown) => {
          event.preventDefault();
          void action();
        };
        if (key === 'z' && event.shiftKey) return run(editorHistory.redo);
        if (key === 'z') return run(editorHistory.undo);
        if (key === 'y') return run(editorHistory.redo);
        if (key === 'a') return run(selectAll);
        // With no node selected, copying is left to the browser (text selected on the page).
        const hasSelection = useEditorStore.getState().nodes.some((n) => n.selected);
        if (key === 'c' && hasSelection) return run(copySelected);
        if (key === 'x' && hasSelection) return run(cutSelected);
        if (key === 'v') return run(() => pasteClipboard());
        if (key === 'd') return run(duplicateSelected);
        return;
      }
      const plain = !mod && !event.altKey && !event.shiftKey;
      if (plain && (key === '/' || (key === 'tab' && isCanvasFocus(event.target)))) {
        event.preventDefault();
        openNodePicker();
        return;
      }
      if (event.shiftKey && (key === 'delete' || key === 'backspace')) {
        const selected = useEditorStore.getState().nodes.filter((n) => n.selected);
        const [only] = selected;
        if (selected.length === 1 && only) {
          event.preventDefault();
          deleteNodeAndReconnect(only.id);
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
