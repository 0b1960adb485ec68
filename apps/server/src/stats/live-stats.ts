/**
 * stats.live: one hub per process fans run starts and finishes out to its subscribers. The hub
 * LISTENs on one connection of its own (NotificationListener), started with the first
 * subscriber, whatever their number. Run starts and finishes are NOTIFYed by triggers on `runs`
 * only while some process registers a subscriber in stats_live_watchers (renewed every
 * WATCH_RENEW_MS while it has one), so runs pay nothing for the feed while nobody watches.
 *
 * A subscriber gets an event at once, then at most once per `minIntervalMs` while runs of its
 * flow (or any, without one) start or finish, and a heartbeat event after `heartbeatMs` without
 * one. Its stream ends when its signal aborts (the client went away) or the hub stops (shutdown).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { NotificationListener } from '../db/notification-listener.ts';
import { RUN_STATUS } from '../runs/run-status.ts';

export const RUNS_LIVE_CHANNEL = 'patchbay_runs_live';
/** A registration lasts this long; renewed at a third of it. */
const WATCH_TTL_MS = 60_000;
const WATCH_RENEW_MS = 20_000;
/** Counts read for one filter are shared by the events of this many ms. */
const SNAPSHOT_REUSE_MS = 250;

export type LiveStatsEvent = {
  at: string;
  running: number;
  queued: number;
  /** Worker processes whose heartbeat is recent (workers table). */
  workersAlive: number;
  /** Runs of the subscriber's flow (or all) that finished since its previous event. */
  finishedSinceLast: number;
};

export type LiveStatsOptions = {
  pool: pg.Pool;
  connectionString: string;
  logger: Pick<Logger, 'warn'>;
  minIntervalMs?: number;
  heartbeatMs?: number;
  /** A worker counts as alive while its heartbeat is younger than this (default 60 s). */
  workerAliveMs?: number;
};

type Subscriber = {
  flowId: string | null;
  finished: number;
  changed: boolean;
  wake: ((reason: 'change' | 'end') => void) | undefined;
};

export class LiveStatsHub {
  readonly #options: Required<Omit<LiveStatsOptions, 'logger' | 'pool' | 'connectionString'>>;
  readonly #subscribers = new Set<Subscriber>();
  readonly #processId = randomUUID();
  #listener: NotificationListener | undefined;
  /** Listening and registered (renewed) while it is set: from the first subscriber to the last. */
  #watching: Promise<void> | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #snapshots = new Map<string, { at: number; counts: Promise<LiveCounts> }>();

  constructor(private readonly deps: LiveStatsOptions) {
    this.#options = {
      minIntervalMs: deps.minIntervalMs ?? 1_000,
      heartbeatMs: deps.heartbeatMs ?? 15_000,
      workerAliveMs: deps.workerAliveMs ?? 60_000,
    };
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Events for one subscriber until `signal` aborts or the hub stops. */
  async *subscribe(flowId: string | null, signal: AbortSignal): AsyncGenerator<LiveStatsEvent> {
    if (this.#stopped) return;
    const subscriber: Subscriber = { flowId, finished: 0, changed: false, wake: undefined };
    this.#subscribers.add(subscriber);
    const onAbort = () => subscriber.wake?.('end');
    signal.addEventListener('abort', onAbort);
    try {
      await this.#watch();
      let lastAt = 0;
      for (;;) {
        if (signal.aborted || this.#stopped) return;
        const since = Date.now() - lastAt;
        if (since < this.#options.minIntervalMs) {
          await this.#sleep(subscriber, signal, this.#options.minIntervalMs - since, {
            untilChange: false,
          });
          if (signal.aborted || this.#stopped) return;
        }
        const finished = subscriber.finished;
        subscriber.finished = 0;
        subscriber.changed = false;
        const counts = await this.#counts(flowId);
        lastAt = Date.now();
        yield { at: new Date(lastAt).toISOString(), ...counts, finishedSinceLast: finished };
        if (!subscriber.changed) {
          await this.#sleep(subscriber, signal, this.#options.heartbeatMs, { untilChange: true });
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) await this.#unwatch();
    }
  }

  /** Ends every subscription and the listener; later subscriptions end at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const subscriber of this.#subscribers) subscriber.wake?.('end');
    await this.#unwatch();
    await this.#listener?.stop();
    this.#listener = undefined;
  }

  /** A NOTIFY payload: "<flowId>:<finished>,…", or "*:<finished>" when it names no flows. */
  #onNotify(payload: string): void {
    const finishedOf = new Map<string, number>();
    let total = 0;
    for (const entry of payload.split(',')) {
      const [flowId, count] = entry.split(':');
      const finished = Number(count ?? 0) || 0;
      if (!flowId) continue;
      finishedOf.set(flowId, (finishedOf.get(flowId) ?? 0) + finished);
      total += finished;
    }
    const unnamed = finishedOf.has('*');
    for (const subscriber of this.#subscribers) {
      let finished: number;
      if (subscriber.flowId === null) finished = total;
      else if (finishedOf.has(subscriber.flowId)) finished = finishedOf.get(subscriber.flowId) ?? 0;
      // Flows not named: the counts are read again, the finishes cannot be attributed.
      else if (unnamed) finished = 0;
      else continue;
      subscriber.finished += finished;
      subscriber.changed = true;
      subscriber.wake?.('change');
    }
  }

  /** Waits `ms`, or less when the stream ends, or (when `untilChange`) on a change. */
  #sleep(
    subscriber: Subscriber,
    signal: AbortSignal,
    ms: number,
    options: { untilChange: boolean },
  ): Promise<void> {
    return new Promise((resolve) => {
      // Ended while it was not asleep (reading counts, handing an event over).
      if (signal.aborted || this.#stopped) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        subscriber.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      subscriber.wake = (reason) => {
        if (reason === 'end' || options.untilChange) done();
      };
    });
  }

  async #counts(flowId: string | null): Promise<LiveCounts> {
    const key = flowId ?? '';
    const cached = this.#snapshots.get(key);
    if (cached && Date.now() - cached.at < SNAPSHOT_REUSE_MS) return cached.counts;
    const counts = readCounts(this.deps.pool, flowId, this.#options.workerAliveMs);
    this.#snapshots.set(key, { at: Date.now(), counts });
    counts.catch(() => this.#snapshots.delete(key));
    return counts;
  }

  /** Starts listening (once) and registers this process as watching, renewed while it does. */
  #watch(): Promise<void> {
    this.#watching ??= this.#startWatching().catch((error: unknown) => {
      this.#watching = undefined;
      throw error;
    });
    return this.#watching;
  }

  async #startWatching(): Promise<void> {
    if (!this.#listener) {
      const listener = new NotificationListener({
        connectionString: this.deps.connectionString,
        channels: { [RUNS_LIVE_CHANNEL]: (payload) => this.#onNotify(payload) },
        // Changes were missed: tell every subscriber to read the counts again.
        onReconnect: () => this.#onNotify('*:0'),
        logger: this.deps.logger,
        name: 'Live stats listener',
      });
      await listener.start();
      this.#listener = listener;
    }
    await this.#register();
    clearInterval(this.#renewTimer);
    this.#renewTimer = setInterval(() => {
      this.#register().catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'Could not renew the live stats registration'),
      );
    }, WATCH_RENEW_MS);
    this.#renewTimer.unref();
  }

  async #register(): Promise<void> {
    await this.deps.pool.query(
      `INSERT INTO stats_live_watchers (process_id, expires_at)
       VALUES ($1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (process_id) DO UPDATE SET expires_at = excluded.expires_at`,
      [this.#processId, WATCH_TTL_MS],
    );
  }

  async #unwatch(): Promise<void> {
    if (!this.#watching) return;
    this.#watching = undefined;
    clearInterval(this.#renewTimer);
    this.#renewTimer = undefined;
    await this.deps.pool
      .query('DELETE FROM stats_live_watchers WHERE process_id = $1 OR expires_at < now()', [
        this.#processId,
      ])
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'Could not remove the live stats registration'),
      );
  }
}

type LiveCounts = Omit<LiveStatsEvent, 'at' | 'finishedSinceLast'>;

async function readCounts(
  pool: pg.Pool,
  flowId: string | null,
  workerAliveMs: number,
): Promise<LiveCounts> {
  const { rows } = await pool.query<LiveCounts>(
    `SELECT count(*) FILTER (WHERE status = '${RUN_STATUS.running}')::int AS running,
            count(*) FILTER (WHERE status = '${RUN_STATUS.queued}')::int AS queued,
            (SELECT count(*)::int FROM workers
              WHERE heartbeat_at > now() - $2 * interval '1 millisecond') AS "workersAlive"
       FROM runs
      WHERE status IN ('${RUN_STATUS.running}', '${RUN_STATUS.queued}')
        AND ($1::uuid IS NULL OR flow_id = $1)`,
    [flowId, workerAliveMs],
  );
  return rows[0] ?? { running: 0, queued: 0, workersAlive: 0 };
}
