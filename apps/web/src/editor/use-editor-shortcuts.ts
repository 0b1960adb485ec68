/**
 * Keyboard shortcuts for history, the clipboard, the node picker and auto-layout (listed for
 * people in ui/keyboard-map.ts). They never fire while the user types in an input, a textarea, a
 * select or a CodeMirror editor.
 */
import { useEffect } from 'react';
import { isTypingTarget } from '../ui/typing-target.ts';
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
import { useAutoLayout } from './use-auto-layout.ts';

/**
 * Tab opens the picker only from the canvas (or nowhere), and only for someone working on it
 * with the pointer: after a click there, not while moving focus with Tab, so keyboard users can
 * Tab through the nodes and on to the inspector (`/` opens the picker for them from anywhere).
 */
function tabOpensPicker(target: EventTarget | null, movingFocusWithTab: boolean): boolean {
  if (movingFocusWithTab) return false;
  return (
    target === document.body ||
    (target instanceof Element && target.closest('.react-flow') !== null)
  );
}

export function useEditorShortcuts(enabled: boolean): void {
  const autoLayout = useAutoLayout();
  useEffect(() => {
    if (!enabled) return;
    // Until the first click, Tab moves focus: a keyboard user starts on the page's first link.
    let movingFocusWithTab = true;
    const onPointerDown = () => {
      movingFocusWithTab = false;
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const wasMovingFocusWithTab = movingFocusWithTab;
      if (event.key === 'Tab' && !event.defaultPrevented) movingFocusWithTab = true;
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
      // By code, not key: Alt changes the character typed on some layouts (⌥⇧L is Ò on a Mac).
      if (!mod && event.altKey && event.shiftKey && event.code === 'KeyL') {
        event.preventDefault();
        void autoLayout();
        return;
      }
      const plain = !mod && !event.altKey && !event.shiftKey;
      const tabToPicker = key === 'tab' && tabOpensPicker(event.target, wasMovingFocusWithTab);
      if (plain && (key === '/' || tabToPicker)) {
        event.preventDefault();
        // Tab, pick, Tab again adds the next node.
        if (tabToPicker) movingFocusWithTab = false;
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
    window.addEventListener('pointerdown', onPointerDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('pointerdown', onPointerDown, true);
    };
  }, [enabled, autoLayout]);
}
