/** The current time for rendering, from one shared timer per tick size instead of one per cell. */
import { useSyncExternalStore } from 'react';

type Clock = {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | undefined;
  subscribe: (listener: () => void) => () => void;
  get: () => number;
};

const clocks = new Map<number, Clock>();

function clockFor(tickMs: number): Clock {
  const existing = clocks.get(tickMs);
  if (existing) return existing;
  const clock: Clock = {
    now: Date.now(),
    listeners: new Set(),
    timer: undefined,
    subscribe(listener) {
      clock.listeners.add(listener);
      if (!clock.timer) clock.now = Date.now();
      clock.timer ??= setInterval(() => {
        clock.now = Date.now();
        for (const l of clock.listeners) l();
      }, tickMs);
      return () => {
        clock.listeners.delete(listener);
        if (clock.listeners.size === 0 && clock.timer) {
          clearInterval(clock.timer);
          clock.timer = undefined;
        }
      };
    },
    get: () => clock.now,
  };
  clocks.set(tickMs, clock);
  return clock;
}

/** Milliseconds since the epoch, re-rendering every `tickMs` while mounted. */
export function useNow(tickMs: number): number {
  const clock = clockFor(tickMs);
  return useSyncExternalStore(clock.subscribe, clock.get);
}
