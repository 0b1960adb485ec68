/**
 * `/flows/:id/runs` (one flow) and `/runs` (every flow): runs newest first, filterable by flow,
 * status, trigger kind, time range, error code, failed node and text, with every filter in the
 * query string (run-history-filters.ts) so a view can be shared. Refreshes while any run is
 * queued or running.
 */
import { skipToken, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import type { RunStatus, RunSummary, RunTrigger } from '../api/types.ts';
import { useCan } from '../auth/session.ts';
import { BulkRunActions } from '../runs/bulk-run-actions.tsx';
import { groupConsecutiveFailures } from '../runs/failure-groups.ts';
import { RetentionNote } from '../runs/retention-note.tsx';
import {
  hasFilters,
  MIN_SEARCH_LENGTH,
  parseRunHistoryFilters,
  type RunHistoryFilters,
  runHistorySearchParams,
  runListInput,
  type TimeRange,
} from '../runs/run-history-filters.ts';
import { RunHistoryTable } from '../runs/run-history-table.tsx';
import { selectedRuns, toggleRuns } from '../runs/run-selection.ts';
import { RUN_TRIGGER_KINDS, RUN_TRIGGER_LABELS } from '../runs/run-trigger.ts';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import { EditorIcon, HistoryIcon } from '../ui/icons.tsx';
import { isActiveRun } from '../ui/status-badge.tsx';

const PAGE_SIZE = 20;
/** Pages loaded on their own while fewer rows than this show (failures collapse into groups). */
const AUTO_FILL = { rows: 10, pages: 5 };
const EMPTY_SELECTION: ReadonlySet<string> = new Set();
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
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseRunHistoryFilters(params), [params]);
  const update = (change: Partial<RunHistoryFilters>) =>
    setParams(runHistorySearchParams({ ...filters, ...change }), { replace: true });
  const status: RunStatus | 'all' = filters.status ?? 'all';
  const trigger: RunTrigger | 'all' = filters.trigger ?? 'all';
  // A range preset counts back from when it was chosen (or the page opened), not every render.
  const input = useMemo(() => runListInput(filters, Date.now(), flowId), [filters, flowId]);
  const flow = useQuery(trpc.flows.get.queryOptions(flowId ? { id: flowId } : skipToken));
  const flows = useQuery(trpc.flows.list.queryOptions(undefined, { enabled: !flowId }));
  const runs = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, ...input },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        refetchInterval: (query) =>
          query.state.data?.pages.some((p) => p.items.some((r) => isActiveRun(r.status)))
            ? LIVE_REFRESH_MS
            : false,
      },
    ),
  );
  const items = useMemo(() => runs.data?.pages.flatMap((p) => p.items) ?? [], [runs.data]);
  const live = items.some((r) => isActiveRun(r.status));
  // A deleted flow is not found, but its runs (which carry its name) are kept.
  const flowDeleted = items[0]?.flowDeleted === true;
  const flowName = flow.data?.name ?? items[0]?.flowName;
  const total = runs.data?.pages[0];
  const filtered = hasFilters(filters);
  const rows = useMemo(() => groupConsecutiveFailures(items), [items]);

  // A streak of identical failures shows as one row: load a few more pages while few rows show.
  const pagesLoaded = runs.data?.pages.length ?? 0;
  const { hasNextPage, isFetching, isFetchNextPageError, fetchNextPage } = runs;
  useEffect(() => {
    if (
      hasNextPage &&
      !isFetching &&
      !isFetchNextPageError &&
      rows.length < AUTO_FILL.rows &&
      pagesLoaded < AUTO_FILL.pages
    ) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetching, isFetchNextPageError, fetchNextPage, rows.length, pagesLoaded]);

  // The selection belongs to one set of filters: changing them starts afresh.
  const canAct = useCan('editor');
  const filterKey = `${flowId ?? ''}?${params.toString()}`;
  const [selection, setSelection] = useState<{ key: string; ids: ReadonlySet<string> }>({
    key: filterKey,
    ids: new Set(),
  });
  const selected = selection.key === filterKey ? selection.ids : EMPTY_SELECTION;
  const toggle = (group: readonly RunSummary[]) =>
    setSelection({ key: filterKey, ids: toggleRuns(selected, group) });
  const chosen = selectedRuns(selected, items);

  return (
    <div className="page">
      {flowId && (
        <nav className="breadcrumbs">
          <Link href="/flows">Flows</Link>
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
                onClick={() => update({ status: f.value === 'all' ? null : f.value })}
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
              onChange={(e) =>
                update({
                  trigger: e.target.value === 'all' ? null : (e.target.value as RunTrigger),
                })
              }
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
        <RunFilterBar
          // Typed text follows the URL when it changes elsewhere (clear filters, back button).
          key={`${filters.search ?? ''}|${filters.errorCode ?? ''}`}
          filters={filters}
          update={update}
          flows={flowId ? undefined : (flows.data ?? [])}
        />
        {total && (
          <div className="run-history-total muted small" data-testid="runs-total">
            {formatTotal(total.total, total.totalExact)}
            {filtered && (
              <button
                type="button"
                className="btn btn--ghost btn--sm"
                data-testid="runs-clear-filters"
                onClick={() => setParams(new URLSearchParams(), { replace: true })}
              >
                Clear filters
              </button>
            )}
          </div>
        )}
        {canAct && chosen.length > 0 && (
          <BulkRunActions
            selected={chosen}
            onDone={() => setSelection({ key: filterKey, ids: new Set() })}
          />
        )}
        {runs.isError ? (
          <div className="callout callout--danger">
            Couldn't load runs: {errorMessage(runs.error)}
          </div>
        ) : runs.isSuccess && items.length === 0 ? (
          <EmptyState
            testId="runs-empty"
            icon={<HistoryIcon size={24} />}
            title={
              !filtered
                ? 'No runs yet'
                : `No ${status === 'all' ? '' : `${status} `}runs${trigger === 'all' ? '' : ` started by ${RUN_TRIGGER_LABELS[trigger].toLowerCase()}`}${filtered && status === 'all' && trigger === 'all' ? ' match these filters' : ''}`
            }
            description={
              !filtered ? 'Run the flow from the editor and it will show up here.' : undefined
            }
          />
        ) : (
          <RunHistoryTable
            rows={rows}
            runs={items}
            flowId={flowId}
            pending={runs.isPending}
            selection={canAct ? { selected, toggle } : null}
            onFailedNode={(nodeId) => update({ failedNodeId: nodeId })}
          />
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

/**
 * runs.list counts exactly up to 1,000 matches; an inexact 1,001 is that cap (the planner guessed
 * at most 1,000 but there are more), anything else inexact is the planner's estimate.
 */
function formatTotal(total: number, exact: boolean): string {
  if (exact) return `${total.toLocaleString()} ${total === 1 ? 'run' : 'runs'}`;
  if (total === 1001) return '1,000+ runs';
  return `≈ ${total.toLocaleString()} runs`;
}

const RANGE_LABELS: Record<TimeRange, string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

/** datetime-local wants local time without a zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

function RunFilterBar({
  filters,
  update,
  flows,
}: {
  filters: RunHistoryFilters;
  update: (change: Partial<RunHistoryFilters>) => void;
  /** Undefined on one flow's page. */
  flows: { id: string; name: string }[] | undefined;
}) {
  const [search, setSearch] = useState(filters.search ?? '');
  const [errorCode, setErrorCode] = useState(filters.errorCode ?? '');
  const [custom, setCustom] = useState(filters.from !== null || filters.to !== null);
  const searchTooShort = search.trim().length > 0 && search.trim().length < MIN_SEARCH_LENGTH;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (searchTooShort) return;
    update({ search: search.trim() || null, errorCode: errorCode.trim() || null });
  };
  const rangeValue = filters.range ?? (custom ? 'custom' : 'any');
  const selectedFlows = new Set(filters.flowIds);
  return (
    <form className="card__toolbar run-filter-bar" onSubmit={submit} data-testid="run-filter-bar">
      {flows && (
        <details className="flow-multiselect" data-testid="run-flow-filter">
          <summary className="input select select--sm">
            {filters.flowIds.length === 0
              ? 'All flows'
              : filters.flowIds.length === 1
                ? (flows.find((f) => f.id === filters.flowIds[0])?.name ?? '1 flow')
                : `${filters.flowIds.length} flows`}
          </summary>
          <div className="flow-multiselect__menu">
            {flows.length === 0 && <span className="muted small">No flows</span>}
            {flows.map((f) => (
              <label key={f.id} className="flow-multiselect__option">
                <input
                  type="checkbox"
                  checked={selectedFlows.has(f.id)}
                  data-testid={`run-flow-option-${f.id}`}
                  onChange={(e) => {
                    const next = new Set(selectedFlows);
                    if (e.target.checked) next.add(f.id);
                    else next.delete(f.id);
                    update({ flowIds: [...next] });
                  }}
                />
                {f.name}
              </label>
            ))}
          </div>
        </details>
      )}
      <label className="inline-filter">
        <span className="muted small">Time</span>
        <select
          className="input select select--sm"
          value={rangeValue}
          data-testid="run-range-filter"
          onChange={(e) => {
            const value = e.target.value;
            setCustom(value === 'custom');
            if (value === 'any' || value === 'custom') {
              update({ range: null, ...(value === 'any' ? { from: null, to: null } : {}) });
            } else update({ range: value as TimeRange, from: null, to: null });
          }}
        >
          <option value="any">Any time</option>
          {(Object.keys(RANGE_LABELS) as TimeRange[]).map((range) => (
            <option key={range} value={range}>
              {RANGE_LABELS[range]}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {rangeValue === 'custom' && (
        <>
          <input
            type="datetime-local"
            className="input input--sm"
            aria-label="From"
            data-testid="run-from-filter"
            value={toLocalInput(filters.from)}
            onChange={(e) => update({ from: fromLocalInput(e.target.value) })}
          />
          <span className="muted small">to</span>
          <input
            type="datetime-local"
            className="input input--sm"
            aria-label="To"
            data-testid="run-to-filter"
            value={toLocalInput(filters.to)}
            onChange={(e) => update({ to: fromLocalInput(e.target.value) })}
          />
        </>
      )}
      <input
        className="input input--sm run-filter-bar__code"
        placeholder="Error code"
        aria-label="Error code"
        data-testid="run-error-filter"
        value={errorCode}
        onChange={(e) => setErrorCode(e.target.value)}
        onBlur={() => update({ errorCode: errorCode.trim() || null })}
      />
      {filters.failedNodeId && (
        <button
          type="button"
          className="chip"
          title="Remove this filter"
          data-testid="run-node-filter"
          onClick={() => update({ failedNodeId: null })}
        >
          failed at <code>{filters.failedNodeId}</code> ×
        </button>
      )}
      <input
        type="search"
        className="input input--sm run-filter-bar__search"
        placeholder="Search input and error message…"
        aria-label="Search runs"
        aria-invalid={searchTooShort}
        title={searchTooShort ? `At least ${MIN_SEARCH_LENGTH} characters` : undefined}
        data-testid="run-search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <button type="submit" className="btn btn--secondary btn--sm" data-testid="run-search-submit">
        Search
      </button>
    </form>
  );
}
