/** A sheet sliding in from the right, on the native <dialog>: focus trap, Esc and backdrop. */
import { type ReactNode, useEffect, useRef } from 'react';
import { XIcon } from './icons.tsx';

export function Drawer({
  open,
  onClose,
  title,
  subtitle,
  actions,
  children,
  testId,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Start on the panel rather than ringing the first button (the close button).
      dialog.querySelector<HTMLElement>('.drawer__panel')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="drawer"
      data-testid={testId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onMouseDown={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="drawer__panel" tabIndex={-1}>
          <header className="drawer__header">
            <div className="drawer__titles">
              <h2 className="drawer__title">{title}</h2>
              {subtitle && <div className="drawer__subtitle">{subtitle}</div>}
            </div>
            {actions && <div className="drawer__actions">{actions}</div>}
            <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
              <XIcon />
            </button>
          </header>
          <div className="drawer__body">{children}</div>
        </div>
      )}
    </dialog>
  );
}
