/** Time enters the engine only through this interface, so tests can use a fake clock. */
export type Clock = {
  now(): Date;
  /** Monotonic milliseconds, for durations. */
  monotonicMs(): number;
  /** Calls `callback` once after `ms` milliseconds. Returns a function that cancels the timer. */
  setTimer(ms: number, callback: () => void): () => void;
};

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  setTimer: (ms, callback) => {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};
