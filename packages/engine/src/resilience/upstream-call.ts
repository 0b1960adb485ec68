/**
 * `ctx.upstream`: a connector's call to an upstream, through the shared guard. Asks the guard for
 * a permit, sleeps through short rate-limit waits, turns long ones into RateLimitedError (the
 * executor parks the step without using up an attempt) and an open breaker into CircuitOpenError
 * (a failed attempt), and always reports the call's outcome back to the guard.
 */
import type { Clock } from '../clock.ts';
import { PatchbayError } from '../errors.ts';
import { type ResolvedNodePolicy, rateLimitPolicySchema } from './policy.ts';
import {
  CircuitOpenError,
  RateLimitedError,
  RateLimitWaitExceededError,
} from './resilience-errors.ts';
import { sleep } from './sleep.ts';
import type { UpstreamCall, UpstreamGuard, UpstreamOutcome } from './upstream-guard.ts';

/** The rate-limit policy's own default, for waits an upstream imposes on a node without a limit. */
const DEFAULT_MAX_WAIT_MS: number = rateLimitPolicySchema.shape.maxWaitMs.parse(undefined);

/** When a throttling answer says for how long (no Retry-After), the target slows down this long. */
export const DEFAULT_THROTTLE_MS = 1_000;

export type UpstreamScope = {
  guard: UpstreamGuard;
  clock: Clock;
  runId: string;
  nodeId: string;
  policy: ResolvedNodePolicy;
  inlineWaitMaxMs: number;
  /** The attempt's signal: cuts a wait short and tells how an interrupted call ended. */
  signal: AbortSignal;
  /**
   * Since when the step has been waiting for a permit, across its attempts in this execution
   * (seeded from the resumed run); cleared once a call is let through or refused.
   */
  wait: { since: Date | undefined };
};

export async function callUpstream<T>(
  scope: UpstreamScope,
  target: string,
  call: () => Promise<T>,
): Promise<T> {
  const { guard, clock, policy } = scope;
  const request: UpstreamCall = {
    target: policy.target ?? target,
    runId: scope.runId,
    nodeId: scope.nodeId,
    breaker: policy.breaker,
    rateLimit: policy.rateLimit,
  };
  for (;;) {
    throwIfAborted(scope.signal, request.target);
    const decision = await guard.acquire(request);
    if (decision.kind === 'proceed') {
      scope.wait.since = undefined;
      let outcome: UpstreamOutcome = SUCCESS;
      try {
        return await call();
      } catch (error) {
        outcome = upstreamOutcomeOf(error, scope.signal);
        throw error;
      } finally {
        await guard.release(request, decision.permit, outcome);
      }
    }
    const now = clock.now();
    if (decision.kind === 'open') {
      scope.wait.since = undefined;
      throw new CircuitOpenError(request.target, decision.retryAt, now, decision.state);
    }
    scope.wait.since ??= now;
    const waitedMs = now.getTime() - scope.wait.since.getTime();
    const maxWaitMs = policy.rateLimit?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (waitedMs + decision.waitMs > maxWaitMs) {
      throw new RateLimitWaitExceededError(request.target, waitedMs + decision.waitMs, maxWaitMs);
    }
    if (decision.waitMs > scope.inlineWaitMaxMs) {
      throw new RateLimitedError(request.target, decision.waitMs, decision.reason);
    }
    await sleep(clock, decision.waitMs, scope.signal);
  }
}

const SUCCESS: UpstreamOutcome = Object.freeze({ kind: 'success' });

/**
 * How a failed call looks to the breaker. An answer, even a 4xx, is a success: the upstream is
 * up. An error the connector marks `waitReason: 'throttled'` (HTTP 429) is throttling. Retryable errors (network, timeout, 5xx) are failures, and so are
 * errors a connector did not classify. A call cut short because the run was cancelled or ran out
 * of time says nothing about the upstream and counts as a success; the attempt timeout does not.
 */
export function upstreamOutcomeOf(thrown: unknown, signal: AbortSignal): UpstreamOutcome {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof PatchbayError && reason.retryable
      ? { kind: 'failure', error: reason.toJSON() }
      : SUCCESS;
  }
  if (!(thrown instanceof PatchbayError)) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { kind: 'failure', error: { code: 'NODE_FAILED', message } };
  }
  if (thrown.waitReason === 'throttled') {
    return { kind: 'throttled', retryAfterMs: thrown.retryAfterMs ?? DEFAULT_THROTTLE_MS };
  }
  return thrown.retryable ? { kind: 'failure', error: thrown.toJSON() } : SUCCESS;
}

function throwIfAborted(signal: AbortSignal, target: string): void {
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof PatchbayError) throw reason;
  throw new PatchbayError('CANCELLED', `The call to ${target} was cancelled before it was made`);
}
