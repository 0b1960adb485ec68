/**
 * Waiting for a run to finish without polling, for webhooks that answer with the run's result.
 * The worker that finishes an awaited run (a flow whose webhook answers in sync mode) tells this
 * process's waiters directly, and every other process through NOTIFY on RUN_FINISHED_CHANNEL,
 * sent at the commit of the statement that records the finish (run-store.ts). A process LISTENs
 * only once something waits here; a lost connection is re-established and the waiters' runs are
 * read again, so a notification missed meanwhile costs a read, not a wait until the timeout.
 */
import type { SerializedError, ValidatedFlow } from '@patchbay/engine';
import pg from 'pg';
import type { Logger } from 'pino';
import { FINAL_RUN_STATUSES, RUN_STATUS, type RunStatus } from './run-status.ts';

export const RUN_FINISHED_CHANNEL = 'patchbay_run_finished';

export type RunCompletion = {
  runId: string;
  status: typeof RUN_STATUS.succeeded | typeof RUN_STATUS.failed | typeof RUN_STATUS.cancelled;
  error: SerializedError | null;
  /** A succeeded run's result: the output of the last node to finish (null without one). */
  output: unknown;
};

/** What the worker tells the process it runs in (RunWorker's `completions`). */
export type RunCompletionSink = {
  /** Whether runs of this flow may be awaited: their finish is announced and NOTIFYed. */
  awaited(flow: ValidatedFlow): boolean;
  /** An awaited run finished here (recorded). `output` undefined: not known here, read it. */
  finished(completion: Omit<RunCompletion, 'output'> & { output: unknown }): void;
  /**
   * An awaited run executes here from now on (until executed()): its finish is announced in
   * process, so its NOTIFY, which may arrive first, is not read back from the database.
   */
  executing(runId: string): void;
  executed(runId: string): void;
};

type Waiter = { resolve: (completion: RunCompletion | undefined) => void };

/** Completions announced or notified with no waiter yet are kept this long, for one that comes. */
const RECENT_MS = 10_000;
const MAX_RECENT = 10_000;
const RECONNECT_DELAY_MS = 1_000;

const LOAD_COMPLETION = {
  name: 'patchbay_run_completion',
  text: `SELECT r.status, r.error,
                (SELECT s.output FROM step_runs s
                  WHERE s.run_id = r.id AND s.status = '${RUN_STATUS.succeeded}'
                  ORDER BY s.finished_at DESC NULLS LAST, s.attempt DESC LIMIT 1) AS output
           FROM runs r WHERE r.id = $1`,
};

export class RunCompletions implements RunCompletionSink {
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Finished runs nobody waited for yet: completion (announced here) or null (notified). */
  private readonly recent = new Map<string, { at: number; completion: RunCompletion | null }>();
  private readonly awaitedFlows = new WeakMap<ValidatedFlow, boolean>();
  /** Awaited runs executing here, and whether their NOTIFY came meanwhile. */
  private readonly local = new Map<string, boolean>();
  private client: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      connectionString: string;
      logger: Pick<Logger, 'warn' | 'debug'>;
      /** Whether a flow's runs may be awaited (a webhook trigger in sync mode). */
      isAwaitedFlow: (flow: ValidatedFlow) => boolean;
      now?: () => number;
    },
  ) {}

  awaited(flow: ValidatedFlow): boolean {
    let awaited = this.awaitedFlows.get(flow);
    if (awaited === undefined) {
      awaited = this.deps.isAwaitedFlow(flow);
      this.awaitedFlows.set(flow, awaited);
    }
    return awaited;
  }

  finished(completion: RunCompletion): void {
    if (completion.output === undefined && completion.status === RUN_STATUS.succeeded) {
      // Not known here (the run resumed after its last step): the waiters read it.
      this.settleFromDatabase([completion.runId]);
      return;
    }
    if (!this.settle(completion.runId, completion)) this.remember(completion.runId, completion);
  }

  executing(runId: string): void {
    this.local.set(runId, false);
  }

  executed(runId: string): void {
    const notified = this.local.get(runId);
    this.local.delete(runId);
    // It finished elsewhere after all (this worker lost it): read it as any notified run.
    if (notified) this.settleFromDatabase([runId]);
  }

  /** LISTENs from now on; resolves once notifications are being received. */
  ready(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('Run completions are stopped'));
    this.listening ??= this.listen().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  /**
   * The run's completion, or undefined after `timeoutMs`. Call ready() before the run can
   * finish. `stored`: the run may have finished before (a deduplicated start): read it first.
   */
  async wait(
    runId: string,
    options: { timeoutMs: number; stored: boolean },
  ): Promise<RunCompletion | undefined> {
    const recent = this.recent.get(runId);
    if (recent?.completion) return recent.completion;
    let waiter!: Waiter;
    const settled = new Promise<RunCompletion | undefined>((resolve) => {
      waiter = { resolve };
    });
    const set = this.waiters.get(runId) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(runId, set);
    const timer = setTimeout(() => this.drop(runId, waiter), options.timeoutMs);
    try {
      if (options.stored || recent) {
        const completion = await this.load(runId);
        if (completion) this.settle(runId, completion);
      }
      return await settled;
    } finally {
      clearTimeout(timer);
      this.drop(runId, waiter);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    for (const [runId, set] of this.waiters) {
      for (const waiter of set) waiter.resolve(undefined);
      this.waiters.delete(runId);
    }
    await client?.end().catch(() => undefined);
  }

  /** Reads a finished run's completion; undefined while it is not finished. */
  async load(runId: string): Promise<RunCompletion | undefined> {
    const { rows } = await this.deps.pool.query<{
      status: RunStatus;
      error: SerializedError | null;
      output: unknown;
    }>({ ...LOAD_COMPLETION, values: [runId] });
    const row = rows[0];
    if (!row || !FINAL_RUN_STATUSES.includes(row.status)) return undefined;
    return {
      runId,
      status: row.status as RunCompletion['status'],
      error: row.error,
      output: row.status === RUN_STATUS.succeeded ? (row.output ?? null) : null,
    };
  }

  private settle(runId: string, completion: RunCompletion): boolean {
    const set = this.waiters.get(runId);
    if (!set) return false;
    this.waiters.delete(runId);
    for (const waiter of set) waiter.resolve(completion);
    return true;
  }

  private drop(runId: string, waiter: Waiter): void {
    const set = this.waiters.get(runId);
    if (!set?.delete(waiter)) return;
    waiter.resolve(undefined);
    if (set.size === 0) this.waiters.delete(runId);
  }

  private remember(runId: string, completion: RunCompletion | null): void {
    const now = this.now();
    this.recent.set(runId, { at: now, completion });
    // Insertion-ordered: the oldest entries come first.
    for (const [id, entry] of this.recent) {
      if (this.recent.size <= MAX_RECENT && now - entry.at < RECENT_MS) break;
      this.recent.delete(id);
    }
  }

  private settleFromDatabase(runIds: readonly string[]): void {
    for (const runId of runIds) {
      if (this.local.has(runId)) {
        // Its worker here tells its waiters at once (finished); executed() looks again.
        this.local.set(runId, true);
        continue;
      }
      if (!this.waiters.has(runId)) {
        // Nobody waits yet: a waiter that comes within RECENT_MS reads it.
        if (!this.recent.has(runId)) this.remember(runId, null);
        continue;
      }
      this.load(runId).then(
        (completion) => {
          if (completion) this.settle(runId, completion);
        },
        (error: unknown) =>
          this.deps.logger.warn({ err: error, runId }, 'Could not read a finished run'),
      );
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.deps.connectionString });
    client.on('notification', (message) => {
      if (message.channel !== RUN_FINISHED_CHANNEL || !message.payload) return;
      this.settleFromDatabase(message.payload.split(','));
    });
    client.on('error', (error) => {
      this.deps.logger.warn({ err: error }, 'Run completion listener lost its connection');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${RUN_FINISHED_CHANNEL}`);
  }

  private reconnect(broken: pg.Client): void {
    if (this.stopped || this.client !== broken) return;
    this.client = undefined;
    broken.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.listening = this.listen().then(
        // Whatever finished while nobody listened is read now.
        () => this.settleFromDatabase([...this.waiters.keys()]),
        (error: unknown) => {
          this.deps.logger.warn({ err: error }, 'Run completion listener could not reconnect');
          this.listening = undefined;
          if (this.client) this.reconnect(this.client);
        },
      );
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
