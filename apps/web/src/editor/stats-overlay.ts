/** The ranges the editor's stats overlay offers, and the window of stats.nodes each reads. */

export const STATS_OVERLAY_RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 h', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
} as const;

export type StatsOverlayRange = keyof typeof STATS_OVERLAY_RANGES;

export const DEFAULT_STATS_OVERLAY_RANGE: StatsOverlayRange = '24h';

export function isStatsOverlayRange(value: string): value is StatsOverlayRange {
  return Object.hasOwn(STATS_OVERLAY_RANGES, value);
}

const MINUTE_MS = 60_000;

/**
 * The range ending at the end of the current minute (the rollups' grain), so the query's key,
 * and with it the request, changes once a minute rather than on every render.
 */
export function statsWindow(range: StatsOverlayRange, nowMs: number): { from: string; to: string } {
  const to = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return {
    from: new Date(to - STATS_OVERLAY_RANGES[range].ms).toISOString(),
    to: new Date(to).toISOString(),
  };
}
