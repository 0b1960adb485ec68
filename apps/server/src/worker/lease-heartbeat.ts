/**
 * Keeps this worker's leases alive: every leaseMs/3, one statement renews the lease of every run
 * the process executes and the process's own `workers` row, and notes the worker alive in the
 * current minute (worker_presence_minute, for stats.activity). A run whose lease did not renew was
 * taken over (this process stalled past its lease) and is abandoned here; a run flagged for
 * cancellation is stopped, in case its NOTIFY was missed.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import type { RunWorker } from './run-worker.ts';

export type WorkerIdentity = {
  id: string;
  role: string;
  pid: number;
  hostname: string;
  concurrency: number;
};

const BEAT = `
WITH me AS (
  INSERT INTO workers (id, role, pid, hostname, concurrency, queue_worker_id)
  VALUES ($1, $4, $5, $6, $7, $8)
  ON CONFLICT (id) DO UPDATE
    SET heartbeat_at = now(), queue_worker_id = COALESCE(excluded.queue_worker_id, workers.queue_worker_id)
), presence AS (
  INSERT INTO worker_presence_minute (minute, worker_id, role)
  VALUES (date_trunc('minute', now()), $1, $4)
  ON CONFLICT DO NOTHING
)
UPDATE runs SET lease_expires_at = now() + $3 * interval '1 millisecond'
 WHERE id = ANY($2::uuid[]) AND lease_owner = $1
RETURNING id, cancel_requested_at IS NOT NULL AS cancel_requested`;

export class LeaseHeartbeat {
  /** The graphile-worker pool id of this process, once its runner started. */
  queueWorkerId: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      identity: WorkerIdentity;
      worker: RunWorker;
      leaseMs: number;
      logger: Pick<Logger, 'warn' | 'error'>;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One heartbeat. Also registers the worker, so it is called once before jobs are taken. */
  async beat(): Promise<void> {
    const { pool, identity, worker, leaseMs } = this.deps;
    const owned = worker.leasedRunIds();
    const { rows } = await pool.query<{ id: string; cancel_requested: boolean }>({
      name: 'patchbay_heartbeat',
      text: BEAT,
      values: [
        identity.id,
        owned,
        leaseMs,
        identity.role,
        identity.pid,
        identity.hostname,
        identity.concurrency,
        this.queueWorkerId,
      ],
    });
    const renewed = new Set<string>();
    for (const row of rows) {
      renewed.add(row.id);
      if (row.cancel_requested) worker.stop(row.id, 'cancel');
    }
    for (const runId of owned) {
      if (!renewed.has(runId) && worker.stop(runId, 'lease-lost')) {
        this.deps.logger.warn({ runId }, 'Lease lost: another worker took the run over');
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.beat()
          .catch((error: unknown) =>
            this.deps.logger.error({ err: error }, 'Heartbeat failed; retrying at the next beat'),
          )
          .finally(() => this.schedule());
      },
      Math.max(50, Math.floor(this.deps.leaseMs / 3)),
    );
    this.timer.unref();
  }
}
