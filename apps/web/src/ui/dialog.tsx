/** Modal dialog on the native <dialog> element: focus trap, Esc and backdrop for free. */
import { type ReactNode, useId } from 'react';
import { XIcon } from './icons.tsx';
import { useModalDialog } from './use-modal-dialog.ts';

export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  testId,
  width = 480,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  testId?: string;
  width?: number;
}) {
  const modal = useModalDialog(open, onClose, '[data-autofocus], input:not([type=file]), textarea');
  // Screen readers announce the dialog by its title.
  const titleId = useId();

  return (
    <dialog
      {...modal}
      className="dialog"
      style={{ width }}
      data-testid={testId}
      aria-labelledby={titleId}
    >
      {open && (
        <div className="dialog__panel">
          <header className="dialog__header">
            <div>
              <h2 className="dialog__title" id={titleId}>
                {title}
              </h2>
              {description && <p className="dialog__description">{description}</p>}
            </div>
            <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
              <XIcon />
            </button>
          </header>
          {children && <div className="dialog__body">{children}</div>}
          {footer && <footer className="dialog__footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}
