/**
 * The app's keyboard shortcuts as data, the one list of them: the `?` dialog renders it, and a
 * change to a shortcut handler (use-editor-shortcuts.ts, the editor page's save key, React Flow's
 * delete keys) belongs here too. `Mod` stands for ⌘ on Apple platforms and Ctrl elsewhere.
 */
import { isTypingTarget } from './typing-target.ts';

/** One way to press a shortcut: keys held together, e.g. ['Mod', 'Shift', 'Z']. */
export type KeyCombo = readonly string[];
export type Shortcut = { readonly combos: readonly KeyCombo[]; readonly action: string };
export type ShortcutGroup = { readonly title: string; readonly shortcuts: readonly Shortcut[] };

export const KEYBOARD_MAP_KEY = '?';

/** The editor's keys, named so menus and tooltips show the same combination the map lists. */
export const EDITOR_KEYS = {
  save: ['Mod', 'S'],
  undo: ['Mod', 'Z'],
  redo: ['Mod', 'Shift', 'Z'],
  selectAll: ['Mod', 'A'],
  copy: ['Mod', 'C'],
  cut: ['Mod', 'X'],
  paste: ['Mod', 'V'],
  duplicate: ['Mod', 'D'],
  delete: ['Delete'],
  deleteAndReconnect: ['Shift', 'Delete'],
  /** Matched by key code in use-editor-shortcuts.ts (Alt changes the character typed). */
  autoLayout: ['Shift', 'Alt', 'L'],
  /** In the inspector's Test step section, and in the Run dialog. */
  submit: ['Mod', 'Enter'],
} as const satisfies Record<string, KeyCombo>;

export const KEYBOARD_MAP: readonly ShortcutGroup[] = [
  {
    title: 'Anywhere',
    shortcuts: [
      { combos: [[KEYBOARD_MAP_KEY]], action: 'Show keyboard shortcuts' },
      { combos: [['Esc']], action: 'Close a dialog or menu' },
    ],
  },
  {
    title: 'Flow editor',
    shortcuts: [
      { combos: [EDITOR_KEYS.save], action: 'Save' },
      { combos: [['/'], ['Tab']], action: 'Search and add a node (beside the selected one)' },
      { combos: [EDITOR_KEYS.undo], action: 'Undo' },
      { combos: [EDITOR_KEYS.redo, ['Mod', 'Y']], action: 'Redo' },
      { combos: [EDITOR_KEYS.selectAll], action: 'Select all nodes' },
      { combos: [EDITOR_KEYS.copy], action: 'Copy selected nodes' },
      { combos: [EDITOR_KEYS.cut], action: 'Cut selected nodes' },
      { combos: [EDITOR_KEYS.paste], action: 'Paste' },
      { combos: [EDITOR_KEYS.duplicate], action: 'Duplicate selected nodes' },
      { combos: [EDITOR_KEYS.delete, ['Backspace']], action: 'Delete selection' },
      {
        combos: [EDITOR_KEYS.deleteAndReconnect],
        action: 'Delete a node and connect its neighbours',
      },
      { combos: [['Shift', 'drag']], action: 'Select several nodes' },
      { combos: [EDITOR_KEYS.autoLayout], action: 'Auto-layout the flow (or the selected nodes)' },
      {
        combos: [EDITOR_KEYS.submit],
        action: 'Test the selected node (in Test step), or start the run (in the Run dialog)',
      },
    ],
  },
];

/** How a key is shown on this platform. */
export function keyLabel(key: string, isMac: boolean): string {
  if (key === 'Mod') return isMac ? '⌘' : 'Ctrl';
  if (key === 'Shift') return isMac ? '⇧' : 'Shift';
  if (key === 'Alt') return isMac ? '⌥' : 'Alt';
  return key;
}

/** A combination as one hint, e.g. "Shift+Alt+L", or "⇧⌥L" on Apple platforms. */
export function comboLabel(combo: KeyCombo, isMac: boolean): string {
  return combo.map((key) => keyLabel(key, isMac)).join(isMac ? '' : '+');
}

type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>;

/**
 * Whether a key press asks for the keyboard map: `?` with no Ctrl/⌘/Alt (Shift is how most
 * layouts type it), not while typing in a field or the code editor, not inside an open dialog.
 */
export function opensKeyboardMap(event: KeyPress): boolean {
  if (event.key !== KEYBOARD_MAP_KEY || event.ctrlKey || event.metaKey || event.altKey) {
    return false;
  }
  if (isTypingTarget(event.target)) return false;
  return !(event.target instanceof Element && event.target.closest('dialog'));
}
