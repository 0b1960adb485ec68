/** The `?` dialog: every keyboard shortcut of the app, from ui/keyboard-map.ts. */
import { Fragment, useEffect } from 'react';
import { Dialog } from '../ui/dialog.tsx';
import { KEYBOARD_MAP, keyLabel, opensKeyboardMap } from '../ui/keyboard-map.ts';
import { IS_MAC } from '../ui/platform.ts';

/** Opens the keyboard map when `?` is pressed outside text fields. */
export function useKeyboardMapKey(open: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !opensKeyboardMap(event)) return;
      event.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open]);
}

export function KeyboardMapDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Keyboard shortcuts"
      testId="keyboard-map"
      width={520}
    >
      {KEYBOARD_MAP.map((group) => (
        <section key={group.title} className="keyboard-map__group">
          <h3 className="keyboard-map__title">{group.title}</h3>
          <dl className="keyboard-map__list">
            {group.shortcuts.map((shortcut) => (
              <div key={shortcut.action} className="keyboard-map__row">
                <dt className="keyboard-map__keys">
                  {shortcut.combos.map((combo, index) => (
                    <Fragment key={combo.join('+')}>
                      {index > 0 && <span className="muted small"> or </span>}
                      {combo.map((key) => (
                        <kbd key={key}>{keyLabel(key, IS_MAC)}</kbd>
                      ))}
                    </Fragment>
                  ))}
                </dt>
                <dd className="keyboard-map__action">{shortcut.action}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Dialog>
  );
}
