/**
 * The seam between "a run was requested" and "a run executes". The slice runs everything in this
 * process (InProcessRunDispatcher); a Postgres-backed job queue replaces it later without touching
 * callers: a dispatcher receives only a run id, and the executor loads everything else from the DB.
 */
import type { Logger } from 'pino';

export type RunDispatcher = {
  /** Hands a queued run over for execution. Resolves once accepted, not when the run finishes. */
  dispatch(runId: string): Promise<void>;
};

export type RunExecutorPort = {
  /** Executes one queued run to completion. Must record failures itself and never reject. */
  execute(runId: string, signal: AbortSignal): Promise<void>;
};

type InFlightRun = { promise: Promise<void>; controller: AbortController };

export class InProcessRunDispatcher implements RunDispatcher {
  private readonly inFlight = new Map<string, InFlightRun>();
  private accepting = true;

  constructor(
    private readonly executor: RunExecutorPort,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  async dispatch(runId: string): Promise<void> {
    if (!this.accepting) {
      this.logger.warn(
        { runId },
        'Server is shutting down; the run stays queued until it restarts',
      );
      return;
    }
    if (this.inFlight.has(runId)) return;
    const controller = new AbortController();
    const promise = this.executor
      .execute(runId, controller.signal)
      .catch((error: unknown) => {
        // The executor records failures on the run; reaching here means even that failed.
        this.logger.error({ err: error, runId }, 'Run executor failed unexpectedly');
      })
      .finally(() => this.inFlight.delete(runId));
    this.inFlight.set(runId, { promise, controller });
  }

  /** Number of runs executing in this process right now. */
  get activeRuns(): number {
    return this.inFlight.size;
  }

  /** Resolves when no run is executing (including runs dispatched while waiting). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.all([...this.inFlight.values()].map((run) => run.promise));
    }
  }

  /**
   * Stops accepting runs and waits for in-flight ones. After `graceMs`, remaining runs are
   * cancelled through their abort signal and given `cancelMs` more to record that.
   */
  async shutdown(options: { graceMs: number; cancelMs?: number }): Promise<void> {
    this.accepting = false;
    if (this.inFlight.size === 0) return;
    this.logger.info({ runs: this.inFlight.size }, 'Waiting for in-flight runs to finish');
    if (await settlesWithin(this.idle(), options.graceMs)) return;
    this.logger.warn({ runs: this.inFlight.size }, 'Cancelling runs that did not finish in time');
    for (const run of this.inFlight.values()) run.controller.abort(new Error('Server shutdown'));
    if (!(await settlesWithin(this.idle(), options.cancelMs ?? 5_000))) {
      this.logger.error({ runs: this.inFlight.size }, 'Some runs did not stop; they stay running');
    }
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
