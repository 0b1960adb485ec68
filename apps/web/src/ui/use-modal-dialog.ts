/**
 * The wiring a native <dialog> needs to act as a React-controlled modal: open and close it with
 * `open`, move focus to `focusSelector` on opening (showModal would ring the first button, the
 * close button), and report Esc and backdrop presses through `onClose`.
 */
import { type MouseEvent, type SyntheticEvent, useEffect, useRef } from 'react';

export function useModalDialog(open: boolean, onClose: () => void, focusSelector: string) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>(focusSelector)?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, focusSelector]);

  return {
    ref,
    onClose,
    onCancel: (event: SyntheticEvent<HTMLDialogElement>) => {
      event.preventDefault();
      onClose();
    },
    onMouseDown: (event: MouseEvent<HTMLDialogElement>) => {
      // A press on the backdrop lands on the <dialog> itself, not on its content.
      if (event.target === ref.current) onClose();
    },
  };
}
