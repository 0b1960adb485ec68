/** A manually advanced clock for tests: time moves only when `advance` is called. */
import type { Clock } from './clock.ts';

export type FakeClock = Clock & {
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void;
  /** Number of timers that are scheduled and not yet fired or cancelled. */
  pendingTimers(): number;
};

type Timer = { dueMs: number; seq: number; callback: () => void };

export function createFakeClock(start: Date = new Date('2025-01-01T00:00:00.000Z')): FakeClock {
  const epochMs = start.getTime();
  let elapsedMs = 0;
  let seq = 0;
  const timers = new Set<Timer>();

  return {
    now: () => new Date(epochMs + elapsedMs),
    monotonicMs: () => elapsedMs,
    setTimer(ms, callback) {
      const timer: Timer = { dueMs: elapsedMs + Math.max(0, ms), seq: seq++, callback };
      timers.add(timer);
      return () => {
        timers.delete(timer);
      };
    },
    advance(ms) {
      const targetMs = elapsedMs + ms;
      for (;;) {
        let next: Timer | undefined;
        for (const timer of timers) {
          if (timer.dueMs > targetMs) continue;
          if (
            !next ||
            timer.dueMs < next.dueMs ||
            (timer.dueMs === next.dueMs && timer.seq < next.seq)
          ) {
            next = timer;
          }
        }
        if (!next) break;
        timers.delete(next);
        elapsedMs = next.dueMs;
        next.callback();
      }
      elapsedMs = targetMs;
    },
    pendingTimers: () => timers.size,
  };
}
