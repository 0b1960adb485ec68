/**
 * A maintenance task every worker process runs on a timer (retention pruning, rollup
 * compaction): the first pass soon after start, then one every interval, each delay jittered so
 * that processes started together drift apart. Passes never overlap; a failed pass is logged and
 * the next one is scheduled as usual. `stop()` ends scheduling and waits for a pass in progress,
 * which can end early by checking `stopping`.
 */
import type { Logger } from 'pino';

const FIRST_PASS_MAX_DELAY_MS = 60_000;

export type PeriodicTaskOptions = {
  intervalMs: number;
  /** One pass. */
  run: () => Promise<unknown>;
  /** Logged with the error when a pass fails, e.g. "Pruning run history failed". */
  failureMessage: string;
  logger: Pick<Logger, 'error'>;
  random?: () => number;
};

export class PeriodicTask {
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #running: Promise<unknown> | undefined;

  constructor(private readonly options: PeriodicTaskOptions) {}

  /** Whether stop() was called: a long pass should end after its current step. */
  get stopping(): boolean {
    return this.#stopping;
  }

  start(): void {
    this.#stopping = false;
    const first = Math.min(this.options.intervalMs, FIRST_PASS_MAX_DELAY_MS);
    this.#schedule(first * (0.5 + this.#random()));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      this.#running = this.options
        .run()
        .catch((error: unknown) =>
          this.options.logger.error({ err: error }, this.options.failureMessage),
        )
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.options.intervalMs * (0.9 + this.#random() * 0.2));
        });
    }, delayMs);
    this.#timer.unref();
  }

  #random(): number {
    return (this.options.random ?? Math.random)();
  }
}
