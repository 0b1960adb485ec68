/**
 * Lets the event loop turn between back-to-back work on it. Pure steps of a run are evaluated one
 * after the other with no I/O between them (the step recorder batches them), so without a pause
 * a long flow would hold the loop, and /healthz and every other run, for its whole length.
 */
export class EventLoopTurns {
  private readonly sliceMs: number;
  private sliceStart = 0;
  /** A setImmediate is scheduled and has not run: the loop has not turned since sliceStart. */
  private turnPending = false;

  constructor(sliceMs: number) {
    this.sliceMs = sliceMs;
  }

  /**
   * Undefined when the caller may go on at once; otherwise a promise that resolves after the
   * loop has turned (I/O polled), because it has not for `sliceMs`. Costs one setImmediate per
   * turn of the loop, not one per call.
   */
  pause(): Promise<void> | undefined {
    const now = performance.now();
    if (!this.turnPending) {
      this.turnPending = true;
      this.sliceStart = now;
      setImmediate(this.turned);
      return undefined;
    }
    if (now - this.sliceStart < this.sliceMs) return undefined;
    return new Promise((resolve) => setImmediate(resolve));
  }

  private readonly turned = (): void => {
    this.turnPending = false;
  };
}
