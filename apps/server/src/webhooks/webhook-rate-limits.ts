/**
 * Per-webhook rate limits (`rateLimit: { limit, periodMs }`), counted in this process with the
 * engine's GCRA: `limit` requests at once, refilled evenly over `periodMs`. A process serving HTTP
 * counts its own requests; with several, each allows the limit.
 */
import { decideRate, initialRateLimitSnapshot, type RateLimitSnapshot } from '@patchbay/engine';

const MAX_FLOWS = 10_000;

export class WebhookRateLimits {
  private readonly snapshots = new Map<string, { shape: string; snapshot: RateLimitSnapshot }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes a token for the flow: 0 when allowed, else the milliseconds until one is free. */
  take(flowId: string, limit: { limit: number; periodMs: number }): number {
    const shape = `${limit.limit}/${limit.periodMs}`;
    let entry = this.snapshots.get(flowId);
    if (!entry || entry.shape !== shape) {
      entry = { shape, snapshot: initialRateLimitSnapshot() };
      this.snapshots.set(flowId, entry);
      if (this.snapshots.size > MAX_FLOWS) {
        const oldest = this.snapshots.keys().next().value;
        if (oldest !== undefined) this.snapshots.delete(oldest);
      }
    }
    const decision = decideRate(
      entry.snapshot,
      { limit: limit.limit, periodMs: limit.periodMs, burst: limit.limit },
      this.now(),
    );
    if (decision.kind === 'wait') return decision.waitMs;
    entry.snapshot = decision.next;
    return 0;
  }
}
