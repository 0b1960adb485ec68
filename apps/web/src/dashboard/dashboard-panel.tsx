/** A dashboard card: title, optional aside, and one body for loading, error, empty or data. */
import type { ReactNode } from 'react';
import { errorMessage } from '../api/api-error.ts';

export type PanelQuery<T> = {
  data: T | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
};

export function DashboardPanel<T>({
  title,
  hint,
  aside,
  query,
  isEmpty,
  empty,
  testId,
  wide = false,
  children,
}: {
  title: string;
  hint?: string | undefined;
  aside?: ReactNode;
  query: PanelQuery<T>;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  testId: string;
  wide?: boolean;
  children: (data: T) => ReactNode;
}) {
  const state = query.isError
    ? 'error'
    : query.data === undefined
      ? 'loading'
      : isEmpty(query.data)
        ? 'empty'
        : 'ready';
  return (
    <section
      className={`card dash-panel${wide ? ' dash-panel--wide' : ''}`}
      data-testid={testId}
      data-state={state}
    >
      <header className="dash-panel__header">
        <div>
          <h2 className="dash-panel__title">{title}</h2>
          {hint && <p className="dash-panel__hint">{hint}</p>}
        </div>
        {aside}
      </header>
      <div className="dash-panel__body">
        {state === 'error' && (
          <div className="callout callout--danger">Couldn't load: {errorMessage(query.error)}</div>
        )}
        {state === 'loading' && <span className="skeleton dash-panel__skeleton" />}
        {state === 'empty' && <div className="dash-panel__empty">{empty}</div>}
        {state === 'ready' && query.data !== undefined && children(query.data)}
      </div>
    </section>
  );
}
