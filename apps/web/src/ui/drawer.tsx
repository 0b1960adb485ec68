/** A sheet sliding in from the right, on the native <dialog>: focus trap, Esc and backdrop. */
import type { ReactNode } from 'react';
import { XIcon } from './icons.tsx';
import { useModalDialog } from './use-modal-dialog.ts';

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
  const modal = useModalDialog(open, onClose, '.drawer__panel');

  return (
    <dialog {...modal} className="drawer" data-testid={testId}>
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
