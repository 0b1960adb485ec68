/** A dialog that asks before a destructive action: Cancel, or a danger button that runs it. */
import type { ReactNode } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { Dialog } from './dialog.tsx';

export function ConfirmDialog({
  open,
  onClose,
  title,
  testId,
  description,
  children,
  dismissLabel = 'Cancel',
  confirmLabel,
  pendingLabel,
  confirmTestId,
  pending,
  error,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  testId: string;
  description: ReactNode;
  children?: ReactNode;
  dismissLabel?: string;
  confirmLabel: string;
  pendingLabel: string;
  confirmTestId: string;
  pending: boolean;
  /** The last attempt's error, shown under the text; null when there is none. */
  error: unknown;
  onConfirm: () => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      testId={testId}
      description={description}
      footer={
        <>
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            {dismissLabel}
          </button>
          <button
            type="button"
            className="btn btn--danger"
            disabled={pending}
            data-testid={confirmTestId}
            onClick={onConfirm}
          >
            {pending ? pendingLabel : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error ? <p className="form-error">{errorMessage(error)}</p> : null}
    </Dialog>
  );
}
