/**
 * `/flows` — every flow with its last run, plus create, import, rename and delete; and, on request,
 * the deleted flows whose run history is kept.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import type { FlowSummary } from '../api/types.ts';
import { useCan } from '../auth/session.ts';
import { ActiveSwitch } from '../flows/active-switch.tsx';
import { CreateFlowDialog } from '../flows/create-flow-dialog.tsx';
import { DeleteFlowDialog } from '../flows/delete-flow-dialog.tsx';
import { DeletedFlows } from '../flows/deleted-flows.tsx';
import { FlowNameCell } from '../flows/flow-name-cell.tsx';
import { ImportFlowDialog } from '../flows/import-flow-dialog.tsx';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import {
  GaugeIcon,
  HistoryIcon,
  LogoIcon,
  PencilIcon,
  PlusIcon,
  SearchIcon,
  TrashIcon,
  UploadIcon,
} from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function FlowListPage() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim(), 250);
  const flows = useQuery(
    trpc.flows.list.queryOptions(query ? { search: query } : undefined, {
      placeholderData: keepPreviousData,
    }),
  );
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [renamingId, setRenamingId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<FlowSummary | null>(null);
  const canEdit = useCan('editor');
  const [showDeleted, setShowDeleted] = useState(false);

  const list = flows.data ?? [];
  const isEmpty = flows.isSuccess && list.length === 0 && !query;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Flows</h1>
          <p className="page-subtitle">
            Integrations you've wired up. Open one to edit, run or inspect its history.
          </p>
        </div>
        {canEdit && (
          <div className="page-header__actions">
            <button
              type="button"
              className="btn btn--secondary"
              onClick={() => setImporting(true)}
              data-testid="import-flow"
            >
              <UploadIcon size={15} /> Import
            </button>
            <button
              type="button"
              className="btn btn--primary"
              onClick={() => setCreating(true)}
              data-testid="create-flow"
            >
              <PlusIcon size={15} /> New flow
            </button>
          </div>
        )}
      </header>

      {flows.isError && (
        <div className="callout callout--danger">
          Couldn't load flows: {errorMessage(flows.error)}
        </div>
      )}

      {isEmpty ? (
        <EmptyState
          testId="flows-empty"
          icon={<LogoIcon size={28} />}
          title="No flows yet"
          description={
            canEdit
              ? 'Create a flow from scratch, or import a .patchbay.json document.'
              : 'Nobody has created a flow yet. Your role (viewer) can read flows and runs.'
          }
          action={
            canEdit && (
              <>
                <button
                  type="button"
                  className="btn btn--secondary"
                  onClick={() => setImporting(true)}
                >
                  <UploadIcon size={15} /> Import
                </button>
                <button
                  type="button"
                  className="btn btn--primary"
                  onClick={() => setCreating(true)}
                >
                  <PlusIcon size={15} /> New flow
                </button>
              </>
            )
          }
        />
      ) : (
        <div className="card">
          <div className="card__toolbar">
            <label className="search">
              <SearchIcon size={14} />
              <input
                className="search__input"
                placeholder="Search flows"
                value={search}
                data-testid="flow-search"
                onChange={(e) => setSearch(e.target.value)}
              />
            </label>
            <span className="muted small">
              {flows.isSuccess ? `${list.length} flow${list.length === 1 ? '' : 's'}` : ''}
            </span>
          </div>
          <table className="table" data-testid="flow-table">
            <thead>
              <tr>
                <th>Name</th>
                <th title="On: the flow's webhook or schedule starts runs">Active</th>
                <th className="num">Nodes</th>
                <th>Last run</th>
                <th>Updated</th>
                <th className="actions-col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {flows.isPending &&
                [0, 1, 2].map((i) => (
                  <tr key={i} className="skeleton-row">
                    <td colSpan={6}>
                      <span className="skeleton" />
                    </td>
                  </tr>
                ))}
              {flows.isSuccess && list.length === 0 && (
                <tr>
                  <td colSpan={6} className="table__empty">
                    No flows match “{query}”.
                  </td>
                </tr>
              )}
              {list.map((flow) => (
                <tr key={flow.id} data-testid={`flow-row-${flow.id}`}>
                  <td className="name-col">
                    <FlowNameCell
                      flow={flow}
                      editing={renamingId === flow.id}
                      onDone={() => setRenamingId(null)}
                    />
                  </td>
                  <td>
                    <ActiveSwitch flow={flow} readOnly={!canEdit} />
                  </td>
                  <td className="num muted">{flow.nodeCount}</td>
                  <td>
                    {flow.lastRun ? (
                      <Link href={`/runs/${flow.lastRun.id}`} className="last-run">
                        <StatusBadge
                          status={flow.lastRun.status}
                          compact
                          testId={`flow-last-run-${flow.id}`}
                        />
                        <span className="muted small">
                          <RelativeTime iso={flow.lastRun.createdAt} />
                        </span>
                      </Link>
                    ) : (
                      <span className="muted small">Never run</span>
                    )}
                  </td>
                  <td className="muted small">
                    <RelativeTime iso={flow.updatedAt} />
                  </td>
                  <td className="actions-col">
                    <div className="row-actions">
                      <Link
                        href={`/flows/${flow.id}/runs`}
                        className="icon-button"
                        title="Run history"
                        aria-label="Run history"
                        data-testid={`flow-runs-${flow.id}`}
                      >
                        <HistoryIcon size={15} />
                      </Link>
                      <Link
                        href={`/flows/${flow.id}/stats`}
                        className="icon-button"
                        title="Stats"
                        aria-label="Stats"
                        data-testid={`flow-stats-${flow.id}`}
                      >
                        <GaugeIcon size={15} />
                      </Link>
                      {canEdit && (
                        <>
                          <button
                            type="button"
                            className="icon-button"
                            title="Rename"
                            aria-label="Rename"
                            data-testid={`rename-flow-${flow.id}`}
                            onClick={() => setRenamingId(flow.id)}
                          >
                            <PencilIcon size={15} />
                          </button>
                          <button
                            type="button"
                            className="icon-button icon-button--danger"
                            title="Delete"
                            aria-label="Delete"
                            data-testid={`delete-flow-${flow.id}`}
                            onClick={() => setDeleting(flow)}
                          >
                            <TrashIcon size={15} />
                          </button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="page-footer-actions">
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          aria-expanded={showDeleted}
          data-testid="show-deleted-flows"
          onClick={() => setShowDeleted(!showDeleted)}
        >
          <TrashIcon size={14} /> {showDeleted ? 'Hide deleted flows' : 'Deleted flows'}
        </button>
      </div>
      {showDeleted && <DeletedFlows />}

      <CreateFlowDialog open={creating} onClose={() => setCreating(false)} />
      <ImportFlowDialog open={importing} onClose={() => setImporting(false)} />
      <DeleteFlowDialog flow={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
