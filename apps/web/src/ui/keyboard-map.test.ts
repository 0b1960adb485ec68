import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comboLabel, KEYBOARD_MAP, keyLabel, opensKeyboardMap } from './keyboard-map.ts';

/**
 * Just enough of a DOM element for the guard (unit tests run without a DOM): it "matches" the
 * selectors given, as `closest` would find itself or an ancestor.
 */
class FakeElement {
  constructor(private readonly within: string[]) {}
  closest(selectors: string) {
    const list = selectors.split(',').map((selector) => selector.trim());
    return this.within.some((selector) => list.includes(selector)) ? this : null;
  }
}

const realElement = globalThis.Element;
beforeAll(() => {
  globalThis.Element = FakeElement as unknown as typeof Element;
});
afterAll(() => {
  globalThis.Element = realElement;
});

const press = (
  key: string,
  target: unknown,
  mods: Partial<Record<'ctrl' | 'meta' | 'alt', boolean>> = {},
) =>
  opensKeyboardMap({
    key,
    target: target as EventTarget,
    ctrlKey: mods.ctrl ?? false,
    metaKey: mods.meta ?? false,
    altKey: mods.alt ?? false,
  });

describe('opensKeyboardMap', () => {
  it('opens on ? pressed on the page', () => {
    expect(press('?', new FakeElement(['div']))).toBe(true);
    expect(press('?', null)).toBe(true);
  });

  it('leaves ? to text fields, selects and the code editor', () => {
    for (const field of ['input', 'textarea', 'select', '.cm-editor', '[contenteditable="true"]']) {
      expect(press('?', new FakeElement([field])), field).toBe(false);
    }
  });

  it('ignores ? inside an open dialog and with Ctrl, ⌘ or Alt held', () => {
    expect(press('?', new FakeElement(['dialog']))).toBe(false);
    expect(press('?', null, { ctrl: true })).toBe(false);
    expect(press('?', null, { meta: true })).toBe(false);
    expect(press('?', null, { alt: true })).toBe(false);
    expect(press('/', null)).toBe(false);
  });
});

describe('KEYBOARD_MAP', () => {
  const shortcuts = KEYBOARD_MAP.flatMap((group) => group.shortcuts);
  const combosFor = (action: string) =>
    shortcuts
      .find((shortcut) => shortcut.action === action)
      ?.combos.map((combo) => combo.join('+'));

  it('lists the editor history and clipboard keys', () => {
    expect(combosFor('Undo')).toEqual(['Mod+Z']);
    expect(combosFor('Redo')).toEqual(['Mod+Shift+Z', 'Mod+Y']);
    expect(combosFor('Delete a node and connect its neighbours')).toEqual(['Shift+Delete']);
    expect(combosFor('Show keyboard shortcuts')).toEqual(['?']);
    expect(combosFor('Auto-layout the flow (or the selected nodes)')).toEqual(['Shift+Alt+L']);
  });

  it('names each action once, with at least one key combination', () => {
    const actions = shortcuts.map((shortcut) => shortcut.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const shortcut of shortcuts) expect(shortcut.combos.length).toBeGreaterThan(0);
  });

  it('shows Mod as ⌘ on Apple platforms and Ctrl elsewhere', () => {
    expect(keyLabel('Mod', true)).toBe('⌘');
    expect(keyLabel('Mod', false)).toBe('Ctrl');
    expect(keyLabel('Z', true)).toBe('Z');
    expect(comboLabel(['Shift', 'Alt', 'L'], false)).toBe('Shift+Alt+L');
    expect(comboLabel(['Shift', 'Alt', 'L'], true)).toBe('⇧⌥L');
  });
});
