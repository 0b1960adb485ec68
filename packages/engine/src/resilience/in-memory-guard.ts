/**
 * An UpstreamGuard that keeps breaker and rate-limit state in process memory: for engine tests
 * (with a fake clock) and single-process use. The server's Postgres guard applies the same pure
 * functions to rows shared by every worker.
 */
import type { Clock } from '../clock.ts';
import {
  applyOutcome,
  type BreakerSnapshot,
  type BreakerTransition,
  decideAcquire,
  initialBreakerSnapshot,
  resetBreaker,
} from './breaker-state.ts';
import {
  decideRate,
  initialRateLimitSnapshot,
  type RateLimitSnapshot,
  throttleUntil,
} from './gcra.ts';
import type { UpstreamGuard } from './upstream-guard.ts';

export type UpstreamTargetState = {
  breaker: BreakerSnapshot;
  rateLimit: RateLimitSnapshot;
  /** Oldest first. */
  transitions: readonly BreakerTransition[];
};

export type InMemoryUpstreamGuard = UpstreamGuard & {
  /** The target's current state (a copy); a target never seen reads as fresh. */
  inspect(target: string): UpstreamTargetState;
  /** Forces the target's breaker closed, recorded as a 'manual reset' transition. */
  reset(target: string): void;
};

type TargetEntry = {
  breaker: BreakerSnapshot;
  rateLimit: RateLimitSnapshot;
  transitions: BreakerTransition[];
};

/** Transitions kept per target, oldest dropped first. */
const MAX_TRANSITIONS = 100;

export function createInMemoryUpstreamGuard(options: { clock: Clock }): InMemoryUpstreamGuard {
  const { clock } = options;
  const targets = new Map<string, TargetEntry>();

  const entryFor = (target: string): TargetEntry => {
    let entry = targets.get(target);
    if (!entry) {
      entry = {
        breaker: initialBreakerSnapshot(),
        rateLimit: initialRateLimitSnapshot(),
        transitions: [],
      };
      targets.set(target, entry);
    }
    return entry;
  };

  const record = (entry: TargetEntry, transition: BreakerTransition | undefined) => {
    if (!transition) return;
    entry.transitions.push(transition);
    if (entry.transitions.length > MAX_TRANSITIONS) entry.transitions.shift();
  };

  return {
    async acquire(call) {
      const nowMs = clock.now().getTime();
      const entry = entryFor(call.target);
      const breaker = decideAcquire(entry.breaker, call.breaker, nowMs);
      if (breaker.decision.kind === 'reject') {
        entry.breaker = breaker.next;
        record(entry, breaker.transition);
        return {
          kind: 'open',
          retryAt: new Date(breaker.decision.retryAtMs),
          state: breaker.decision.state,
        };
      }
      const rate = decideRate(entry.rateLimit, call.rateLimit, nowMs);
      // Waiting for a token must not take a probe slot: the breaker is left as it was.
      if (rate.kind === 'wait') return { kind: 'wait', waitMs: rate.waitMs, reason: rate.reason };
      entry.breaker = breaker.next;
      entry.rateLimit = rate.next;
      record(entry, breaker.transition);
      return { kind: 'proceed', permit: { target: call.target, probe: breaker.decision.probe } };
    },

    async release(call, permit, outcome) {
      const nowMs = clock.now().getTime();
      const entry = entryFor(call.target);
      const result = applyOutcome(entry.breaker, call.breaker, outcome, permit.probe, nowMs);
      entry.breaker = result.next;
      record(entry, result.transition);
      if (outcome.kind === 'throttled') {
        entry.rateLimit = throttleUntil(entry.rateLimit, outcome.retryAfterMs, nowMs);
      }
    },

    inspect(target) {
      const entry = entryFor(target);
      return {
        breaker: { ...entry.breaker },
        rateLimit: { ...entry.rateLimit },
        transitions: [...entry.transitions],
      };
    },

    reset(target) {
      const entry = entryFor(target);
      const result = resetBreaker(entry.breaker, clock.now().getTime());
      entry.breaker = result.next;
      record(entry, result.transition);
    },
  };
}
