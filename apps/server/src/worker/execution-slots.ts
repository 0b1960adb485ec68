/**
 * The runs a process executes at once (PATCHBAY_WORKER_CONCURRENCY), shared by the two ways a run
 * arrives: inline, straight from the request that started it, and from the job queue. Queue jobs
 * wait for a slot and are served first when one frees; an inline start only takes a slot nobody
 * waits for. So runs already queued are not overtaken for ever by new ones under sustained load:
 * while the queue has work, new runs queue behind it.
 */
export class ExecutionSlots {
  private used = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  /** A slot now, or false (none free, or queued runs wait for one). */
  tryAcquire(): boolean {
    if (this.used >= this.capacity || this.waiters.length > 0) return false;
    this.used += 1;
    return true;
  }

  /** Resolves once a slot is held. */
  acquire(): Promise<void> {
    if (this.used < this.capacity && this.waiters.length === 0) {
      this.used += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    // The slot passes straight to the longest waiter.
    if (next) next();
    else this.used = Math.max(0, this.used - 1);
  }
}
