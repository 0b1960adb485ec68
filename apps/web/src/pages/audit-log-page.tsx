/** `/audit` (admins) — who did what, to which target, when and from where; newest first. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { RelativeTime } from '../ui/relative-time.tsx';

const OUTCOME_CLASS: Record<string, string> = {
  ok: 'chip',
  denied: 'chip chip--danger',
  failed: 'chip chip--muted',
};

export function AuditLogPage() {
  const trpc = useTRPC();
  const [action, setAction] = useState('');
  const filter = action.trim() ? { action: action.trim() } : {};
  const entries = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: 50, ...filter },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = entries.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page" data-testid="audit-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Audit log</h1>
          <p className="page-subtitle">
            Every change and sign-in: who, what, which target, when and from where.
          </p>
        </div>
      </header>
      {entries.isError && (
        <div className="callout callout--danger">{errorMessage(entries.error)}</div>
      )}
      <div className="card">
        <div className="card__toolbar">
          <label className="search">
            <input
              className="search__input"
              placeholder="Action, e.g. flows.update or auth.login"
              value={action}
              data-testid="audit-action-filter"
              onChange={(e) => setAction(e.target.value)}
            />
          </label>
        </div>
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {entries.isSuccess && rows.length === 0 && (
              <tr>
                <td colSpan={6} className="table__empty">
                  Nothing recorded{action.trim() ? ` for “${action.trim()}”` : ''}.
                </td>
              </tr>
            )}
            {rows.map((entry) => (
              <tr key={entry.id} data-testid="audit-row">
                <td className="muted small">
                  <RelativeTime iso={entry.at} />
                </td>
                <td className="small">{entry.actorLabel}</td>
                <td className="mono small">{entry.action}</td>
                <td className="mono small">
                  {entry.targetId ? `${entry.targetType ?? ''} ${entry.targetId}` : '—'}
                </td>
                <td>
                  <span className={OUTCOME_CLASS[entry.outcome] ?? 'chip'}>{entry.outcome}</span>
                  {entry.errorCode && <span className="muted small"> {entry.errorCode}</span>}
                </td>
                <td className="muted small" title={entry.userAgent ?? undefined}>
                  {entry.ip ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.hasNextPage && (
          <div className="card__footer">
            <button
              type="button"
              className="btn btn--secondary btn--sm"
              disabled={entries.isFetchingNextPage}
              onClick={() => void entries.fetchNextPage()}
            >
              {entries.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
