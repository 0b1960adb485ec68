/**
 * `/flows/:id/runs` (one flow) and `/runs` (every flow): runs newest first, filterable by status
 * and by trigger kind, refreshing while any is queued or running.
 */
import { skipToken, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import type { RunStatus, RunTrigger } from '../api/types.ts';
import { RetentionNote } from '../runs/retention-note.tsx';
import { RUN_TRIGGER_KINDS, RUN_TRIGGER_LABELS } from '../runs/run-trigger.ts';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import { formatDuration, shortId } from '../ui/format.ts';
import { EditorIcon, HistoryIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { isActiveRun, StatusBadge } from '../ui/status-badge.tsx';

const PAGE_SIZE = 20;
const LIVE_REFRESH_MS = 1_500;
const FILTERS: { value: RunStatus | 'all'; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'queued', label: 'Queued' },
  { value: 'running', label: 'Running' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

export function RunHistoryPage({ flowId }: { flowId?: string }) {
  const trpc = useTRPC();
  const [, navigate] = useLocation();
  const [status, setStatus] = useState<RunStatus | 'all'>('all');
  const [trigger, setTrigger] = useState<RunTrigger | 'all'>('all');
  const flow = useQuery(trpc.flows.get.queryOptions(flowId ? { id: flowId } : skipToken));
  const runs = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(
      {
        limit: PAGE_SIZE,
        ...(flowId ? { flowId } : {}),
        ...(status === 'all' ? {} : { status }),
        ...(trigger === 'all' ? {} : { trigger }),
      },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        refetchInterval: (query) =>
          query.state.data?.pages.some((p) => p.items.some((r) => isActiveRun(r.status)))
            ? LIVE_REFRESH_MS
            : false,
      },
    ),
  );
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const live = items.some((r) => isActiveRun(r.status));
  // A deleted flow is not found, but its runs (which carry its name) are kept.
  const flowDeleted = items[0]?.flowDeleted === true;
  const flowName = flow.data?.name ?? items[0]?.flowName;

  return (
    <div className="page">
      {flowId && (
        <nav className="breadcrumbs">
          <Link href="/">Flows</Link>
          <span className="breadcrumb-sep">/</span>
          {flowDeleted ? (
            <span>{flowName}</span>
          ) : (
            <Link href={`/flows/${flowId}`}>{flowName ?? '…'}</Link>
          )}
          <span className="breadcrumb-sep">/</span>
          <span>Runs</span>
        </nav>
      )}
      <header className="page-header">
        <div>
          <h1 className="page-title">
            {flowId ? 'Run history' : 'Runs'}
            {live && (
              <span className="live-pill" data-testid="runs-live">
                <span className="live-pill__dot" /> Live
              </span>
            )}
          </h1>
          <p className="page-subtitle">
            {flowId ? (flowName ?? '\u00a0') : 'Every run of every flow, newest first.'}
            {flowId && flowDeleted && (
              <span className="chip chip--muted" data-testid="runs-flow-deleted">
                Deleted flow: its history is kept until an admin purges it
              </span>
            )}
          </p>
        </div>
        {flowId && !flowDeleted && (
          <div className="page-header__actions">
            <Link
              href={`/flows/${flowId}`}
              className="btn btn--secondary"
              data-testid="open-editor"
            >
              <EditorIcon size={15} /> Open editor
            </Link>
          </div>
        )}
      </header>

      <div className="card">
        <div className="card__toolbar">
          <div
            className="segmented"
            role="tablist"
            aria-label="Filter by status"
            data-testid="run-status-filter"
          >
            {FILTERS.map((f) => (
              <button
                key={f.value}
                type="button"
                role="tab"
                aria-selected={status === f.value}
                className={`segmented__item${status === f.value ? ' is-active' : ''}`}
                data-testid={`run-filter-${f.value}`}
                onClick={() => setStatus(f.value)}
              >
                {f.label}
              </button>
            ))}
          </div>
          <label className="inline-filter">
            <span className="muted small">Trigger</span>
            <select
              className="input select select--sm"
              value={trigger}
              data-testid="run-trigger-filter"
              onChange={(e) => setTrigger(e.target.value as RunTrigger | 'all')}
            >
              <option value="all">All</option>
              {RUN_TRIGGER_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {RUN_TRIGGER_LABELS[kind]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {runs.isError ? (
          <div className="callout callout--danger">
            Couldn't load runs: {errorMessage(runs.error)}
          </div>
        ) : runs.isSuccess && items.length === 0 ? (
          <EmptyState
            testId="runs-empty"
            icon={<HistoryIcon size={24} />}
            title={
              status === 'all' && trigger === 'all'
                ? 'No runs yet'
                : `No ${status === 'all' ? '' : `${status} `}runs${trigger === 'all' ? '' : ` started by ${RUN_TRIGGER_LABELS[trigger].toLowerCase()}`}`
            }
            description={
              status === 'all' && trigger === 'all'
                ? 'Run the flow from the editor and it will show up here.'
                : undefined
            }
          />
        ) : (
          <table className="table table--clickable" data-testid="run-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Run</th>
                {!flowId && <th>Flow</th>}
                <th>Trigger</th>
                <th>Started</th>
                <th className="num">Duration</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.isPending &&
                [0, 1, 2].map((i) => (
                  <tr key={i} className="skeleton-row">
                    <td colSpan={flowId ? 6 : 7}>
                      <span className="skeleton" />
                    </td>
                  </tr>
                ))}
              {items.map((run) => (
                <tr
                  key={run.id}
                  data-testid={`run-row-${run.id}`}
                  onClick={() => navigate(`/runs/${run.id}`)}
                >
                  <td>
                    <StatusBadge status={run.status} testId="run-row-status" />
                  </td>
                  <td>
                    <Link
                      href={`/runs/${run.id}`}
                      className="mono run-link"
                      onClick={(e) => e.stopPropagation()}
                    >
                      {shortId(run.id)}
                    </Link>
                    <span className="chip chip--muted">v{run.flowVersion}</span>
                  </td>
                  {!flowId && (
                    <td>
                      {run.flowDeleted ? (
                        <>
                          {run.flowName} <span className="chip chip--muted">deleted</span>
                        </>
                      ) : (
                        <Link href={`/flows/${run.flowId}`} onClick={(e) => e.stopPropagation()}>
                          {run.flowName}
                        </Link>
                      )}
                    </td>
                  )}
                  <td className="muted" data-testid="run-row-trigger">
                    {RUN_TRIGGER_LABELS[run.trigger]}
                  </td>
                  <td className="muted small">
                    <RelativeTime iso={run.startedAt ?? run.createdAt} />
                  </td>
                  <td className="num mono small">{formatDuration(run.durationMs)}</td>
                  <td className="error-col">
                    {run.error ? (
                      <span className="error-summary" title={run.error.message}>
                        {run.error.nodeId && <code>{run.error.nodeId}</code>} {run.error.message}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {runs.hasNextPage && (
          <div className="card__footer">
            <button
              type="button"
              className="btn btn--secondary btn--sm"
              onClick={() => void runs.fetchNextPage()}
              disabled={runs.isFetchingNextPage}
              data-testid="load-more-runs"
            >
              {runs.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </div>
      <RetentionNote />
    </div>
  );
}
