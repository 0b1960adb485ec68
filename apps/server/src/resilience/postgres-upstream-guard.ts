/**
 * The UpstreamGuard every worker process shares through Postgres: one circuit breaker and one
 * rate limit per target. Decisions are the engine's pure functions (decideAcquire, decideRate,
 * applyOutcome) applied to rows locked for the length of one short transaction, with the
 * database's clock as `now`.
 *
 * Round trips: without a rate limit, an acquire whose decision changes nothing (a closed or open
 * breaker, a 429 throttle) is one unlocked SELECT. Acting on a possibly stale read is safe there:
 * the breaker could only have been reset meanwhile, and a throttle only moves forward, so a stale
 * "wait" is never too short. Everything else (taking a token, admitting a probe, every release)
 * is a pipelined transaction: BEGIN + lock-and-read, then write + COMMIT (asynchronous commit).
 */
import type {
  GuardDecision,
  UpstreamCall,
  UpstreamGuard,
  UpstreamOutcome,
  UpstreamPermit,
} from '@patchbay/engine';
import { applyOutcome, decideAcquire, decideRate, throttleUntil } from '@patchbay/engine';
import type pg from 'pg';
import { withTransaction } from '../db/pg-pool.ts';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import { lockTarget, readTarget, type TargetState, writeTarget } from './upstream-state-store.ts';

/**
 * Breaker counters and rate-limit tokens are soft state: losing the last fraction of a second of
 * them in a Postgres crash is harmless, an fsync on every call is not (it is most of the cost).
 */
const SOFT_STATE = { asyncCommit: true } as const;

export class PostgresUpstreamGuard implements UpstreamGuard {
  constructor(private readonly deps: { pool: pg.Pool }) {}

  async acquire(call: UpstreamCall): Promise<GuardDecision> {
    const decision = await this.decide(call);
    if (decision.kind === 'wait') processMetrics.noteRateLimitWait(decision.waitMs);
    return decision;
  }

  private async decide(call: UpstreamCall): Promise<GuardDecision> {
    // With a rate limit nearly every acquire takes a token (callers sleep the waitMs they are
    // given), which needs the lock anyway: skip the read-only attempt.
    if (!call.rateLimit) {
      const current = await readTarget(this.deps.pool, call.target);
      const settled = decideReadOnly(call, current);
      if (settled) {
        if (call.breaker.enabled)
          processMetrics.noteBreakerState(call.target, current.breaker.state);
        return settled;
      }
    }

    return withTransaction(
      this.deps.pool,
      async ({ client, commitWith }) => {
        const current = await lockTarget(client, call.target, { rateLimit: true });
        const breaker = decideAcquire(current.breaker, call.breaker, current.nowMs);
        if (call.breaker.enabled) processMetrics.noteBreakerState(call.target, breaker.next.state);
        const transitions = breaker.transition ? [breaker.transition] : [];
        const breakerWrite =
          breaker.next === current.breaker
            ? undefined
            : { snapshot: breaker.next, policy: call.breaker };

        if (breaker.decision.kind === 'reject') {
          // Only bookkeeping can change here (lost probes forgotten); persist it all the same.
          if (breakerWrite) {
            commitWith(writeTarget(client, call.target, { breaker: breakerWrite, transitions }));
          }
          return {
            kind: 'open',
            retryAt: new Date(breaker.decision.retryAtMs),
            state: breaker.decision.state,
          };
        }

        const rate = decideRate(current.rateLimit, call.rateLimit, current.nowMs);
        // No token: nothing is written, so an open -> half-open move and its probe slot wait too.
        if (rate.kind === 'wait') return { kind: 'wait', waitMs: rate.waitMs, reason: rate.reason };

        commitWith(
          writeTarget(client, call.target, {
            ...(breakerWrite ? { breaker: breakerWrite } : {}),
            ...(rate.next === current.rateLimit
              ? {}
              : { rateLimit: { snapshot: rate.next, policy: call.rateLimit } }),
            transitions,
          }),
        );
        return { kind: 'proceed', permit: { target: call.target, probe: breaker.decision.probe } };
      },
      SOFT_STATE,
    );
  }

  async release(
    call: UpstreamCall,
    permit: UpstreamPermit,
    outcome: UpstreamOutcome,
  ): Promise<void> {
    // A disabled breaker counts nothing; only a 429 still has to reach the other workers.
    if (!call.breaker.enabled && outcome.kind !== 'throttled') return;

    await withTransaction(
      this.deps.pool,
      async ({ client, commitWith }) => {
        const throttled = outcome.kind === 'throttled';
        const current = await lockTarget(client, call.target, { rateLimit: throttled });
        const breaker = applyOutcome(
          current.breaker,
          call.breaker,
          outcome,
          permit.probe,
          current.nowMs,
        );
        if (call.breaker.enabled) processMetrics.noteBreakerState(call.target, breaker.next.state);
        commitWith(
          writeTarget(client, call.target, {
            ...(breaker.next === current.breaker
              ? {}
              : { breaker: { snapshot: breaker.next, policy: call.breaker } }),
            ...(throttled
              ? {
                  rateLimit: {
                    snapshot: throttleUntil(current.rateLimit, outcome.retryAfterMs, current.nowMs),
                    policy: call.rateLimit,
                  },
                }
              : {}),
            transitions: breaker.transition ? [breaker.transition] : [],
          }),
        );
      },
      SOFT_STATE,
    );
  }
}

/** The decision, when making it changes no state; undefined when it needs the locked path. */
function decideReadOnly(call: UpstreamCall, current: TargetState): GuardDecision | undefined {
  const breaker = decideAcquire(current.breaker, call.breaker, current.nowMs);
  if (breaker.next !== current.breaker) return undefined;
  if (breaker.decision.kind === 'reject') {
    return {
      kind: 'open',
      retryAt: new Date(breaker.decision.retryAtMs),
      state: breaker.decision.state,
    };
  }
  const rate = decideRate(current.rateLimit, call.rateLimit, current.nowMs);
  if (rate.kind === 'wait') return { kind: 'wait', waitMs: rate.waitMs, reason: rate.reason };
  if (rate.next !== current.rateLimit) return undefined;
  return { kind: 'proceed', permit: { target: call.target, probe: breaker.decision.probe } };
}
