/**
 * The run history's filters as URL query parameters, so a view can be shared:
 * `flow` (comma-separated flow ids), `status`, `trigger`, `range` (1h | 24h | 7d) or `from`/`to`
 * (ISO timestamps), `error` (error code), `node` (the node that failed) and `q` (text search).
 */
import type { RunStatus, RunTrigger } from '../api/types.ts';
import { RUN_TRIGGER_KINDS } from './run-trigger.ts';

export const RUN_STATUS_VALUES: readonly RunStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
];
export const TIME_RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;
/** The server's minimum for text search (pg_trgm). */
export const MIN_SEARCH_LENGTH = 3;

export type RunHistoryFilters = {
  flowIds: string[];
  status: RunStatus | null;
  trigger: RunTrigger | null;
  range: TimeRange | null;
  from: string | null;
  to: string | null;
  errorCode: string | null;
  failedNodeId: string | null;
  search: string | null;
};

function isoOrNull(value: string | null): string | null {
  return value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;
}

/** Unknown values are ignored rather than sent to the server. */
export function parseRunHistoryFilters(params: URLSearchParams): RunHistoryFilters {
  const status = params.get('status');
  const trigger = params.get('trigger');
  const range = params.get('range');
  const search = params.get('q')?.trim() ?? '';
  return {
    flowIds: (params.get('flow') ?? '').split(',').filter((id) => id.length > 0),
    status: RUN_STATUS_VALUES.includes(status as RunStatus) ? (status as RunStatus) : null,
    trigger: (RUN_TRIGGER_KINDS as readonly string[]).includes(trigger ?? '')
      ? (trigger as RunTrigger)
      : null,
    range: range !== null && range in TIME_RANGES ? (range as TimeRange) : null,
    from: isoOrNull(params.get('from')),
    to: isoOrNull(params.get('to')),
    errorCode: params.get('error')?.trim() || null,
    failedNodeId: params.get('node')?.trim() || null,
    search: search.length >= MIN_SEARCH_LENGTH ? search : null,
  };
}

/** The query string for a set of filters; empty filters are left out. */
export function runHistorySearchParams(filters: RunHistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.flowIds.length > 0) params.set('flow', filters.flowIds.join(','));
  if (filters.status) params.set('status', filters.status);
  if (filters.trigger) params.set('trigger', filters.trigger);
  if (filters.range) params.set('range', filters.range);
  else {
    if (filters.from) params.set('from', filters.from);
    if (filters.to) params.set('to', filters.to);
  }
  if (filters.errorCode) params.set('error', filters.errorCode);
  if (filters.failedNodeId) params.set('node', filters.failedNodeId);
  if (filters.search) params.set('q', filters.search);
  return params;
}

/** runs.list's input for the filters; a range preset counts back from `now`. */
export function runListInput(filters: RunHistoryFilters, now: number, flowId?: string) {
  const from = filters.range
    ? new Date(now - TIME_RANGES[filters.range]).toISOString()
    : filters.from;
  return {
    ...(flowId ? { flowId } : filters.flowIds.length > 0 ? { flowIds: filters.flowIds } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.trigger ? { trigger: filters.trigger } : {}),
    ...(from ? { from } : {}),
    ...(!filters.range && filters.to ? { to: filters.to } : {}),
    ...(filters.errorCode ? { errorCode: filters.errorCode } : {}),
    ...(filters.failedNodeId ? { failedNodeId: filters.failedNodeId } : {}),
    ...(filters.search ? { search: filters.search } : {}),
  };
}

export function hasFilters(filters: RunHistoryFilters): boolean {
  return runHistorySearchParams(filters).size > 0;
}
