/**
 * The dashboard's view as URL query parameters, so it can be shared: `range` (1h | 24h | 7d, the
 * default 24h) or a custom `from`/`to` (ISO timestamps), and `flow` (one flow id). The same names
 * the run history reads (run-history-filters.ts), so a link from a panel keeps its scope.
 */
import {
  type RunHistoryFilters,
  runHistorySearchParams,
  TIME_RANGES,
  type TimeRange,
} from '../runs/run-history-filters.ts';

export const DEFAULT_RANGE: TimeRange = '24h';
/** The server's longest stats range (MAX_STATS_RANGE_DAYS). */
export const MAX_RANGE_MS = 90 * 86_400_000;

export type DashboardView = {
  /** A preset counting back from now, or null for the custom from/to. */
  range: TimeRange | null;
  from: string | null;
  to: string | null;
  flowId: string | null;
};

/** The window the stats queries cover. */
export type StatsWindow = { from: string; to: string };

function iso(value: string | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * A custom range needs both ends, `from` before `to`, at most 90 days apart; anything else falls
 * back to a preset rather than sending the server a range it refuses.
 */
export function parseDashboardView(params: URLSearchParams): DashboardView {
  const flowId = params.get('flow')?.trim() || null;
  const range = params.get('range');
  if (range !== null && range in TIME_RANGES) {
    return { range: range as TimeRange, from: null, to: null, flowId };
  }
  const from = iso(params.get('from'));
  const to = iso(params.get('to'));
  if (from && to) {
    const span = Date.parse(to) - Date.parse(from);
    if (span > 0 && span <= MAX_RANGE_MS) return { range: null, from, to, flowId };
  }
  return { range: DEFAULT_RANGE, from: null, to: null, flowId };
}

export function dashboardSearchParams(view: DashboardView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.range) {
    if (view.range !== DEFAULT_RANGE) params.set('range', view.range);
  } else if (view.from && view.to) {
    params.set('from', view.from);
    params.set('to', view.to);
  }
  if (view.flowId) params.set('flow', view.flowId);
  return params;
}

/** The stats window of a view; a preset ends at `now`. */
export function statsWindow(view: DashboardView, now: number): StatsWindow {
  if (view.range || !view.from || !view.to) {
    const span = TIME_RANGES[view.range ?? DEFAULT_RANGE];
    return { from: new Date(now - span).toISOString(), to: new Date(now).toISOString() };
  }
  return { from: view.from, to: view.to };
}

/**
 * `/runs?…`: the run history scoped as a panel's figure is (same range, flow), plus what the
 * figure counts (an error code, failed runs).
 */
export function runHistoryHref(
  view: DashboardView,
  scope: { flowId?: string | null; errorCode?: string; status?: RunHistoryFilters['status'] },
): string {
  const flowId = scope.flowId ?? view.flowId;
  const filters: RunHistoryFilters = {
    flowIds: flowId ? [flowId] : [],
    status: scope.status ?? null,
    trigger: null,
    range: view.range,
    from: view.range ? null : view.from,
    to: view.range ? null : view.to,
    errorCode: scope.errorCode ?? null,
    failedNodeId: null,
    search: null,
  };
  return `/runs?${runHistorySearchParams(filters).toString()}`;
}

/** The value of a `datetime-local` input for an ISO instant, in the browser's time zone. */
export function toLocalInput(isoValue: string): string {
  const date = new Date(isoValue);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The ISO instant of a `datetime-local` input's value; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
