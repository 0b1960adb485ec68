/**
 * The seam between the executor and shared resilience state. Before a connector calls an
 * upstream target it asks the guard (circuit breaker + rate limit); afterwards it reports how the
 * call went. The server implements this over Postgres so every worker shares one breaker and one
 * quota per target; `createInMemoryUpstreamGuard` implements it for tests and single processes.
 */
import type { SerializedError } from '../errors.ts';
import type { BreakerPolicy, RateLimitPolicy } from './policy.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export type UpstreamCall = {
  /** e.g. "https://api.example.com:443", or a node's `policy.target`. */
  target: string;
  runId: string;
  nodeId: string;
  breaker: BreakerPolicy;
  rateLimit: RateLimitPolicy | undefined;
};

/** Proof that a call was let through; hand it back to `release`. */
export type UpstreamPermit = {
  target: string;
  /** True when this call is one of the breaker's half-open probes. */
  probe: boolean;
};

export type GuardDecision =
  | { kind: 'proceed'; permit: UpstreamPermit }
  /** No rate-limit token yet (or the target is cooling down after a 429): try again after waitMs. */
  | { kind: 'wait'; waitMs: number; reason: 'rate_limited' | 'throttled' }
  /** The breaker is open (or half-open with every probe slot taken) until retryAt. */
  | { kind: 'open'; retryAt: Date; state: BreakerState };

/**
 * How a call went, as the breaker sees it. A 4xx answer is a `success` here: the upstream is
 * alive and answering. A 429 is `throttled`: it slows the target for every worker but does not
 * count against the breaker.
 */
export type UpstreamOutcome =
  | { kind: 'success' }
  | { kind: 'failure'; error: SerializedError }
  | { kind: 'throttled'; retryAfterMs: number };

export type UpstreamGuard = {
  acquire(call: UpstreamCall): Promise<GuardDecision>;
  release(call: UpstreamCall, permit: UpstreamPermit, outcome: UpstreamOutcome): Promise<void>;
};

/** A guard that lets everything through: for flows and tests that do not exercise resilience. */
export const openUpstreamGuard: UpstreamGuard = {
  acquire: async (call) => ({ kind: 'proceed', permit: { target: call.target, probe: false } }),
  release: async () => {},
};
