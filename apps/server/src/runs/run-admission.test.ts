import { describe, expect, it } from 'vitest';
import type { QueueLoadSnapshot } from './queue-load.ts';
import { admit, type ShedLimits, sheddingReason, shedLimitsFromEnv } from './run-admission.ts';

const limits: ShedLimits = { maxQueuedRuns: 100, maxQueueWaitMs: 5_000 };

function load(
  queuedRuns: number,
  oldestWaitMs: number,
  byFlow: Record<string, [number, number]> = {},
): QueueLoadSnapshot {
  return {
    queuedRuns,
    oldestWaitMs,
    byFlow: new Map(
      Object.entries(byFlow).map(([id, [queued, wait]]) => [id, { queued, oldestWaitMs: wait }]),
    ),
  };
}

const request = (slotFree: boolean, flowMaxQueuedRuns?: number) => ({
  flowId: 'f',
  flowMaxQueuedRuns,
  slotFree,
});

describe('admit', () => {
  it('runs inline when a slot is free, even while the queue sheds', () => {
    expect(admit(request(true), load(0, 0), limits)).toEqual({ kind: 'inline' });
    expect(admit(request(true), load(500, 60_000), limits)).toEqual({ kind: 'inline' });
  });

  it('queues when no slot is free and the queue is within its limits', () => {
    expect(admit(request(false), load(99, 4_999), limits)).toEqual({ kind: 'queue' });
  });

  it('refuses with 503 past the depth or the age limit, asking to come back after the lag', () => {
    expect(admit(request(false), load(100, 1_200), limits)).toEqual({
      kind: 'refuse',
      scope: 'server',
      reason: 'queue-full',
      retryAfterSeconds: 2,
    });
    expect(admit(request(false), load(3, 7_500), limits)).toMatchObject({
      scope: 'server',
      reason: 'queue-too-slow',
      retryAfterSeconds: 8,
    });
    expect(admit(request(false), load(100, 0), limits)).toMatchObject({ retryAfterSeconds: 1 });
    expect(admit(request(false), load(3, 3_600_000), limits)).toMatchObject({
      retryAfterSeconds: 60,
    });
  });

  it("refuses a flow's run with 429 at the flow's own cap, slot or not", () => {
    const full = load(2, 300, { f: [2, 300] });
    for (const slotFree of [true, false]) {
      expect(admit(request(slotFree, 2), full, limits)).toEqual({
        kind: 'refuse',
        scope: 'flow',
        reason: 'flow-queue-full',
        retryAfterSeconds: 1,
      });
    }
    expect(admit(request(false, 3), full, limits)).toEqual({ kind: 'queue' });
    expect(admit(request(false, 2), load(2, 300, { other: [2, 300] }), limits)).toEqual({
      kind: 'queue',
    });
  });
});

describe('sheddingReason', () => {
  it('names the limit that is reached', () => {
    expect(sheddingReason(load(0, 0), limits)).toBeUndefined();
    expect(sheddingReason(load(100, 0), limits)).toBe('queue-full');
    expect(sheddingReason(load(1, 5_000), limits)).toBe('queue-too-slow');
  });
});

describe('shedLimitsFromEnv', () => {
  it('reads the two limits, with defaults, and names a bad value', () => {
    expect(shedLimitsFromEnv({})).toEqual({ maxQueuedRuns: 10_000, maxQueueWaitMs: 5_000 });
    expect(
      shedLimitsFromEnv({ PATCHBAY_MAX_QUEUED_RUNS: '50', PATCHBAY_MAX_QUEUE_WAIT_MS: '250' }),
    ).toEqual({ maxQueuedRuns: 50, maxQueueWaitMs: 250 });
    expect(() => shedLimitsFromEnv({ PATCHBAY_MAX_QUEUE_WAIT_MS: '10' })).toThrow(
      'PATCHBAY_MAX_QUEUE_WAIT_MS must be a whole number of at least 100, got "10"',
    );
  });
});
