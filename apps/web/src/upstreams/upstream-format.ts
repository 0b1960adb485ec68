/** How breakers and rate limits read to a person: state labels, failure rates, limits, urgency. */
import type { BreakerState, BreakerView, RateLimitView } from '../api/types.ts';

export const BREAKER_STATE_LABELS: Record<BreakerState, string> = {
  closed: 'Closed',
  open: 'Open',
  half_open: 'Half-open',
};

export const BREAKER_STATE_HINTS: Record<BreakerState, string> = {
  closed: 'Calls go through to the upstream; failures are counted.',
  open: 'Calls are refused without reaching the upstream until the breaker cools down.',
  half_open: 'Probe calls are let through to test whether the upstream has recovered.',
};

const URGENCY: Record<BreakerState, number> = { open: 0, half_open: 1, closed: 2 };

/** Open breakers first, then half-open, then closed; by target within each. */
export function sortByUrgency(breakers: readonly BreakerView[]): BreakerView[] {
  return [...breakers].sort(
    (a, b) => URGENCY[a.state] - URGENCY[b.state] || a.target.localeCompare(b.target),
  );
}

/** The failed share of the current window's calls, or null when the window holds no calls. */
export function windowFailureRate(
  breaker: Pick<BreakerView, 'windowCalls' | 'windowFailures'>,
): number | null {
  if (breaker.windowCalls <= 0) return null;
  return Math.min(1, breaker.windowFailures / breaker.windowCalls);
}

export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  return `${percent > 0 && percent < 1 ? percent.toFixed(1) : Math.round(percent)}%`;
}

const NAMED_PERIODS: [number, string][] = [
  [1_000, 'second'],
  [60_000, 'minute'],
  [3_600_000, 'hour'],
  [86_400_000, 'day'],
];

/** A period as it follows "per": "second", "10 s", "250 ms", "5 min". */
export function formatPeriod(ms: number): string {
  return NAMED_PERIODS.find(([size]) => size === ms)?.[1] ?? formatSpan(ms);
}

/** A policy's length of time: "250 ms", "30 s", "1.5 min", "2 h". */
export function formatSpan(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${trim(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

/** "10 per second", "5 per 10 s". */
export function formatRate(limit: number, periodMs: number): string {
  return `${limit} per ${formatPeriod(periodMs)}`;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
}

/** Share of the period's limit already used (0..1), or null when no limit is configured. */
export function periodUsage(limit: Pick<RateLimitView, 'limit' | 'usage'>): number | null {
  if (limit.limit === null || limit.limit <= 0) return null;
  return Math.min(1, limit.usage.callsInPeriod / limit.limit);
}

/** Whether a 429's Retry-After still holds every worker back at `now`. */
export function isThrottled(limit: Pick<RateLimitView, 'throttledUntil'>, now: number): boolean {
  return limit.throttledUntil !== null && Date.parse(limit.throttledUntil) > now;
}

type BreakerPolicy = NonNullable<BreakerView['policy']>;

/** The breaker's policy as a sentence: when it opens, how long it stays open, how it recovers. */
export function describeBreakerPolicy(policy: BreakerPolicy): string {
  if (!policy.enabled)
    return 'Disabled by the last policy that called it: calls are never refused.';
  const probes =
    policy.halfOpenProbes === 1 ? '1 probe call' : `${policy.halfOpenProbes} probe calls`;
  return (
    `Opens after ${policy.consecutiveFailures} failures in a row, or when ` +
    `${formatPercent(policy.failureRateThreshold)} of at least ${policy.minimumThroughput} calls ` +
    `within ${formatSpan(policy.windowMs)} fail. Stays open for ${formatSpan(policy.openDurationMs)}, ` +
    `then lets ${probes} through.`
  );
}

/** The upstreams page with one target's detail drawer open. */
export function upstreamHref(target: string): string {
  return `/upstreams?${new URLSearchParams({ target }).toString()}`;
}
