/** Renders the toast stack in the bottom-right corner. */
import { Link } from 'wouter';
import { AlertIcon, CheckIcon, XIcon } from './icons.tsx';
import { useToastStore } from './toast-store.ts';

export function Toaster() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="toaster" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast--${t.tone}`} role="status" data-testid="toast">
          <span className="toast__icon">
            {t.tone === 'error' || t.tone === 'warning' ? <AlertIcon /> : <CheckIcon />}
          </span>
          <div className="toast__content">
            <div className="toast__title">{t.title}</div>
            {t.detail && <div className="toast__detail">{t.detail}</div>}
            {t.link && (
              <Link href={t.link.href} className="toast__link" onClick={() => dismiss(t.id)}>
                {t.link.label}
              </Link>
            )}
          </div>
          <button
            type="button"
            className="icon-button icon-button--sm"
            aria-label="Dismiss"
            onClick={() => dismiss(t.id)}
          >
            <XIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
