/**
 * Deleted flows, whose run history is kept: a link to each one's runs, and for admins a Purge
 * that removes the flow and its history for good.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import type { FlowSummary } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { HistoryIcon, TrashIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { PurgeFlowDialog } from './purge-flow-dialog.tsx';

export function DeletedFlows() {
  const trpc = useTRPC();
  const flows = useQuery(trpc.flows.list.queryOptions({ deleted: true }));
  // Purging takes an admin; the server decides, this only hides a button that would be refused.
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false }));
  const canPurge = me.data?.role === 'admin' || me.data?.role === 'owner';
  const [purging, setPurging] = useState<FlowSummary | null>(null);
  const list = flows.data ?? [];

  return (
    <div className="card" data-testid="deleted-flows">
      <div className="card__toolbar">
        <span className="small">
          <strong>Deleted flows</strong>
          <span className="muted"> · their runs are kept until an admin purges them</span>
        </span>
      </div>
      {flows.isError && (
        <div className="callout callout--danger">
          Couldn't load deleted flows: {errorMessage(flows.error)}
        </div>
      )}
      <table className="table" data-testid="deleted-flow-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Last run</th>
            <th>Deleted</th>
            <th className="actions-col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {flows.isSuccess && list.length === 0 && (
            <tr>
              <td colSpan={4} className="table__empty">
                No deleted flows.
              </td>
            </tr>
          )}
          {list.map((flow) => (
            <tr key={flow.id} data-testid={`deleted-flow-row-${flow.id}`}>
              <td className="name-col">{flow.name}</td>
              <td>
                {flow.lastRun ? (
                  <Link href={`/runs/${flow.lastRun.id}`} className="last-run">
                    <StatusBadge status={flow.lastRun.status} compact />
                    <span className="muted small">
                      <RelativeTime iso={flow.lastRun.createdAt} />
                    </span>
                  </Link>
                ) : (
                  <span className="muted small">Never run</span>
                )}
              </td>
              <td className="muted small">
                {flow.deletedAt ? <RelativeTime iso={flow.deletedAt} /> : '—'}
              </td>
              <td className="actions-col">
                <div className="row-actions">
                  <Link
                    href={`/flows/${flow.id}/runs`}
                    className="icon-button"
                    title="Run history"
                    aria-label="Run history"
                    data-testid={`deleted-flow-runs-${flow.id}`}
                  >
                    <HistoryIcon size={15} />
                  </Link>
                  {canPurge && (
                    <button
                      type="button"
                      className="icon-button icon-button--danger"
                      title="Purge"
                      aria-label="Purge"
                      data-testid={`purge-flow-${flow.id}`}
                      onClick={() => setPurging(flow)}
                    >
                      <TrashIcon size={15} />
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <PurgeFlowDialog flow={purging} onClose={() => setPurging(null)} />
    </div>
  );
}
