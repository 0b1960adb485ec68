/**
 * Waiting for a run to finish without polling, for webhooks that answer with the run's result.
 * The worker that finishes an awaited run (a flow whose webhook answers in sync mode) tells this
 * process's waiters directly. Other processes learn of it through NOTIFY on RUN_FINISHED_CHANNEL:
 *
 * - a run executed from the queue (it may have been started anywhere) is NOTIFYed by the
 *   statement that records its finish (run-store.ts);
 * - a run executed inline is awaited by the process that started it, which is this one, so its
 *   finish is not NOTIFYed (a NOTIFY per finish doubled PostgreSQL's CPU per sync run), unless a
 *   waiter elsewhere (a repeated delivery, deduplicated) asked for it on RUN_AWAITED_CHANNEL: then
 *   in the finish statement if asked in time, else right after it, or at once if it already
 *   finished here.
 *
 * A waiter asks before it reads the run, and LISTENs before both, so a finish is either seen by
 * its read or notified after it. A process LISTENs only once something waits here; a lost
 * connection is re-established and the waiters' runs are read again.
 */
import type { SerializedError, ValidatedFlow } from '@patchbay/engine';
import pg from 'pg';
import type { Logger } from 'pino';
import { FINAL_RUN_STATUSES, RUN_STATUS, type RunStatus } from './run-status.ts';

export const RUN_FINISHED_CHANNEL = 'patchbay_run_finished';
/** A waiter for a run in another process asks the one executing it to NOTIFY its finish. */
export const RUN_AWAITED_CHANNEL = 'patchbay_run_awaited';

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
  /**
   * An awaited run executes here from now on (until executed()): its finish is announced in
   * process. `inline`: started by this process, so only waiters elsewhere that ask need a NOTIFY.
   */
  executing(runId: string, options: { inline: boolean }): void;
  /** Whether the statement recording the finish must NOTIFY it. */
  notifyOnFinish(runId: string): boolean;
  /**
   * An awaited run finished here (recorded; `notified` by its statement). `output` undefined:
   * not known here, the waiters read it.
   */
  finished(completion: RunCompletion, notified: boolean): void;
  executed(runId: string): void;
};

type LocalRun = { inline: boolean; askedElsewhere: boolean; notifiedMeanwhile: boolean };

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
  /** Awaited runs executing here. */
  private readonly local = new Map<string, LocalRun>();
  /** Inline runs finished here without a NOTIFY, recently: a waiter elsewhere may still ask. */
  private readonly unnotified = new Map<string, number>();
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

  executing(runId: string, options: { inline: boolean }): void {
    this.local.set(runId, {
      inline: options.inline,
      askedElsewhere: false,
      notifiedMeanwhile: false,
    });
    // Waiters elsewhere ask on RUN_AWAITED_CHANNEL: listen for them.
    if (options.inline) this.ready().catch(() => undefined);
  }

  notifyOnFinish(runId: string): boolean {
    const local = this.local.get(runId);
    return local === undefined || !local.inline || local.askedElsewhere;
  }

  finished(completion: RunCompletion, notified: boolean): void {
    const local = this.local.get(completion.runId);
    if (!notified) {
      if (local?.askedElsewhere) this.notify(completion.runId);
      else this.rememberUnnotified(completion.runId);
    }
    if (completion.output === undefined && completion.status === RUN_STATUS.succeeded) {
      // Not known here (the run resumed after its last step): the waiters read it.
      this.settleFromDatabase([completion.runId], { evenIfLocal: true });
      return;
    }
    if (!this.settle(completion.runId, completion)) this.remember(completion.runId, completion);
  }

  executed(runId: string): void {
    const local = this.local.get(runId);
    this.local.delete(runId);
    // It finished elsewhere after all (this worker lost it): read it as any notified run.
    if (local?.notifiedMeanwhile) this.settleFromDatabase([runId]);
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
        // A run executing inline in another process is NOTIFYed only when someone asks.
        if (options.stored) await this.ask(runId);
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

  private settleFromDatabase(
    runIds: readonly string[],
    options: { evenIfLocal?: boolean } = {},
  ): void {
    for (const runId of runIds) {
      const local = this.local.get(runId);
      if (local && !options.evenIfLocal) {
        // Its worker here tells its waiters at once (finished); executed() looks again.
        local.notifiedMeanwhile = true;
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
      if (!message.payload) return;
      if (message.channel === RUN_FINISHED_CHANNEL) {
        this.settleFromDatabase(message.payload.split(','));
      } else if (message.channel === RUN_AWAITED_CHANNEL) {
        this.askedElsewhere(message.payload);
      }
    });
    client.on('error', (error) => {
      this.deps.logger.warn({ err: error }, 'Run completion listener lost its connection');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${RUN_FINISHED_CHANNEL}; LISTEN ${RUN_AWAITED_CHANNEL}`);
  }

  /** A waiter elsewhere awaits the run: NOTIFY its finish if it executes (or ran) inline here. */
  private askedElsewhere(runId: string): void {
    if (this.unnotified.has(runId)) {
      this.unnotified.delete(runId);
      this.notify(runId);
      return;
    }
    const local = this.local.get(runId);
    if (local) local.askedElsewhere = true;
  }

  private async ask(runId: string): Promise<void> {
    await this.deps.pool.query('SELECT pg_notify($1, $2)', [RUN_AWAITED_CHANNEL, runId]);
  }

  private notify(runId: string): void {
    this.deps.pool
      .query('SELECT pg_notify($1, $2)', [RUN_FINISHED_CHANNEL, runId])
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, runId }, 'Could not announce a finished run'),
      );
  }

  private rememberUnnotified(runId: string): void {
    const now = this.now();
    this.unnotified.set(runId, now);
    for (const [id, at] of this.unnotified) {
      if (this.unnotified.size <= MAX_RECENT && now - at < RECENT_MS) break;
      this.unnotified.delete(id);
    }
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
