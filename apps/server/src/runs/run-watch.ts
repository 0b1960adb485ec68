/**
 * runs.watch: one hub per process streams run details (runs.get's shape) to the editors watching
 * them. Chosen over NOTIFY triggers: while anyone watches, the hub reads one cheap change marker
 * per watched run (run status columns plus the xmin of its step rows, no values) for all watched
 * runs together every `intervalMs`, and re-reads the full detail only of the runs whose marker
 * moved, once per run however many subscribers share it. Runs nobody watches pay nothing at all:
 * no trigger, no NOTIFY, no extra write on the worker's hot path, no migration. The cost is a
 * delay of at most `intervalMs` and one indexed query per tick, only while someone watches.
 *
 * A subscriber gets the detail at once, then on every change, and its stream ends after the
 * first snapshot in a final status, when its signal aborts, or when the hub stops (shutdown).
 * Keep-alive is tRPC's SSE ping.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import {
  DEFAULT_RUN_PREVIEW_LIMITS,
  loadRunDetail,
  type RunPreviewLimits,
} from './run-detail-query.ts';
import { FINAL_RUN_STATUSES } from './run-status.ts';
import { type RunDetail, toRunDetail } from './run-views.ts';

export type RunWatchOptions = {
  pool: pg.Pool;
  logger: Pick<Logger, 'warn'>;
  previews?: RunPreviewLimits | undefined;
  /** How often the watched runs' markers are compared (default 250 ms). */
  intervalMs?: number;
};

type Subscriber = {
  runId: string;
  /** The marker of the last snapshot handed to this subscriber. */
  marker: string;
  /** A newer snapshot not yet yielded (only the latest is kept). */
  next: { detail: RunDetail; marker: string } | undefined;
  wake: (() => void) | undefined;
  /** The run was deleted while watched: the stream ends. */
  gone: boolean;
};

/**
 * What changes when anything shown changes: the run's state columns (not its lease renewals) and
 * each step row's xmin, which moves on every write of the row. $1: the watched run ids.
 */
const MARKERS_SQL = `
SELECT r.id,
       concat_ws('|', r.status, r.executions, r.started_at, r.finished_at, r.wake_at,
                 r.cancel_requested_at, r.step_data_pruned_at,
                 (SELECT count(*) || ':' || md5(string_agg(s.xmin::text || '/' || s.id, ',' ORDER BY s.id))
                    FROM step_runs s
                   WHERE s.run_id = r.id)) AS marker
  FROM runs r
 WHERE r.id = ANY($1::uuid[])`;

export class RunWatchHub {
  readonly #intervalMs: number;
  readonly #previews: RunPreviewLimits;
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped = false;

  constructor(private readonly deps: RunWatchOptions) {
    this.#intervalMs = deps.intervalMs ?? 250;
    this.#previews = deps.previews ?? DEFAULT_RUN_PREVIEW_LIMITS;
  }

  /** Subscribers of all runs in this process. */
  get subscriberCount(): number {
    let count = 0;
    for (const subscribers of this.#subscribers.values()) count += subscribers.size;
    return count;
  }

  /**
   * Snapshots of one run until it finishes, `signal` aborts or the hub stops. Reads the first
   * before it resolves, so that an unknown run is refused (NotFoundError) before streaming starts.
   */
  async watch(runId: string, signal: AbortSignal): Promise<AsyncGenerator<RunDetail>> {
    const snapshot = isUuid(runId) ? await this.#read(runId) : undefined;
    if (!snapshot) throw new NotFoundError('Run', runId);
    return this.#stream(snapshot, signal);
  }

  async *#stream(snapshot: Snapshot, signal: AbortSignal): AsyncGenerator<RunDetail> {
    yield snapshot.detail;
    if (isFinal(snapshot.detail) || this.#stopped) return;
    const runId = snapshot.detail.id;
    const subscriber: Subscriber = {
      runId,
      marker: snapshot.marker,
      next: undefined,
      wake: undefined,
      gone: false,
    };
    this.#add(subscriber);
    const onAbort = () => subscriber.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        const ended = () => signal.aborted || this.#stopped || subscriber.gone;
        if (!subscriber.next) await waitForWake(subscriber, ended);
        if (ended()) return;
        const next = subscriber.next;
        if (!next) continue;
        subscriber.next = undefined;
        yield next.detail;
        if (isFinal(next.detail)) return;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#remove(subscriber);
    }
  }

  /** Ends every subscription; later ones end at once. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const subscribers of this.#subscribers.values()) {
      for (const subscriber of subscribers) subscriber.wake?.();
    }
  }

  #add(subscriber: Subscriber): void {
    let subscribers = this.#subscribers.get(subscriber.runId);
    if (!subscribers) {
      subscribers = new Set();
      this.#subscribers.set(subscriber.runId, subscribers);
    }
    subscribers.add(subscriber);
    if (!this.#timer && !this.#stopped) {
      this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  #remove(subscriber: Subscriber): void {
    const subscribers = this.#subscribers.get(subscriber.runId);
    subscribers?.delete(subscriber);
    if (subscribers?.size === 0) this.#subscribers.delete(subscriber.runId);
    if (this.#subscribers.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** One pass over every watched run: markers for all, details for the changed ones. */
  async #tick(): Promise<void> {
    if (this.#ticking || this.#subscribers.size === 0) return;
    this.#ticking = true;
    try {
      const markers = await readMarkers(this.deps.pool, [...this.#subscribers.keys()]);
      const changed = [...this.#subscribers].filter(([runId, subscribers]) => {
        const marker = markers.get(runId);
        // Deleted while watched: its subscribers wait for nothing more.
        if (marker === undefined) return true;
        return [...subscribers].some((subscriber) => subscriber.marker !== marker);
      });
      for (const [runId, subscribers] of changed) {
        const detail = markers.has(runId) ? await this.#detail(runId) : undefined;
        const marker = markers.get(runId) ?? '';
        for (const subscriber of subscribers) {
          if (subscriber.marker === marker && detail) continue;
          subscriber.marker = marker;
          if (detail) subscriber.next = { detail, marker };
          else subscriber.gone = true;
          subscriber.wake?.();
        }
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'Could not read the watched runs; trying again');
    } finally {
      this.#ticking = false;
    }
  }

  async #detail(runId: string): Promise<RunDetail | undefined> {
    const found = await loadRunDetail(this.deps.pool, runId, this.#previews);
    return found ? toRunDetail(found.run, found.steps) : undefined;
  }

  /** Marker first, then detail: a change in between moves the marker again next tick. */
  async #read(runId: string): Promise<Snapshot | undefined> {
    const marker = (await readMarkers(this.deps.pool, [runId])).get(runId);
    const detail = marker === undefined ? undefined : await this.#detail(runId);
    return marker === undefined || !detail ? undefined : { detail, marker };
  }
}

type Snapshot = { detail: RunDetail; marker: string };

async function readMarkers(pool: pg.Pool, runIds: string[]): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ id: string; marker: string }>(MARKERS_SQL, [runIds]);
  return new Map(rows.map((row) => [row.id, row.marker]));
}

function isFinal(detail: RunDetail): boolean {
  return (FINAL_RUN_STATUSES as readonly string[]).includes(detail.status);
}

function waitForWake(subscriber: Subscriber, ended: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ended()) {
      resolve();
      return;
    }
    subscriber.wake = () => {
      subscriber.wake = undefined;
      resolve();
    };
  });
}
