/**
 * How far behind the run queue is: runs waiting for a worker (status `queued`) in all and per
 * flow, and how long the oldest has waited. Read from PostgreSQL every `refreshMs` (so it covers
 * every process sharing the database), plus the runs this process queued since (so a burst
 * between two reads is counted at once). Admission control (run-admission.ts) decides on it;
 * /healthz and `system.status` report it.
 */
import type pg from 'pg';
import { RUN_STATUS } from './run-status.ts';

export type FlowQueue = { queued: number; oldestWaitMs: number };

export type QueueLoadSnapshot = {
  /** Runs waiting for a worker, every flow. */
  queuedRuns: number;
  /**
   * How long the oldest of them has waited, in ms (0: none waits), leaving out flows with a
   * concurrency limit, whose runs wait for a slot by design.
   */
  oldestWaitMs: number;
  byFlow: ReadonlyMap<string, FlowQueue>;
};

/** Served by the partial index runs_queued_idx: its size is the queue's, not the history's. */
const QUEUED_BY_FLOW = {
  name: 'patchbay_queued_by_flow',
  text: `SELECT flow_id, count(*)::int AS queued,
                GREATEST(0, EXTRACT(EPOCH FROM (now() - min(created_at))) * 1000)::float8 AS oldest_wait_ms
           FROM runs WHERE status = '${RUN_STATUS.queued}' GROUP BY flow_id`,
};

export type QueueLoadOptions = {
  pool: pg.Pool;
  refreshMs: number;
  /** True for a flow whose runs wait for a concurrency slot by design (not counted in the age). */
  isLimitedFlow: (flowId: string) => boolean;
  onError: (error: unknown) => void;
};

export class QueueLoad {
  private current: QueueLoadSnapshot = { queuedRuns: 0, oldestWaitMs: 0, byFlow: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: QueueLoadOptions) {}

  snapshot(): QueueLoadSnapshot {
    return this.current;
  }

  /** Counts a run this process queued, until the next read sees it. */
  noteQueued(flowId: string): void {
    // The snapshot's map is this object's own (read() makes a new one), so it is updated in place.
    const byFlow = this.current.byFlow as Map<string, FlowQueue>;
    const flow = byFlow.get(flowId);
    byFlow.set(flowId, { queued: (flow?.queued ?? 0) + 1, oldestWaitMs: flow?.oldestWaitMs ?? 0 });
    this.current = { ...this.current, queuedRuns: this.current.queuedRuns + 1 };
  }

  /** Reads the queue now (also the first read before start resolves). */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async start(): Promise<void> {
    await this.refresh().catch(this.options.onError);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.refresh()
        .catch(this.options.onError)
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, this.options.refreshMs);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    const { rows } = await this.options.pool.query<{
      flow_id: string;
      queued: number;
      oldest_wait_ms: number;
    }>(QUEUED_BY_FLOW);
    const byFlow = new Map<string, FlowQueue>();
    let queuedRuns = 0;
    let oldestWaitMs = 0;
    for (const row of rows) {
      byFlow.set(row.flow_id, { queued: row.queued, oldestWaitMs: row.oldest_wait_ms });
      queuedRuns += row.queued;
      if (!this.options.isLimitedFlow(row.flow_id)) {
        oldestWaitMs = Math.max(oldestWaitMs, row.oldest_wait_ms);
      }
    }
    this.current = { queuedRuns, oldestWaitMs, byFlow };
  }
}
