/** Time enters the engine only through this interface, so tests can use a fake clock. */
export type Clock = {
  now(): Date;
  /** Monotonic milliseconds, for durations. */
  monotonicMs(): number;
};

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};
