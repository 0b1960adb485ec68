/**
 * Hourly compaction of the dashboard rollups: minute rows (run_stats_minute,
 * run_error_stats_minute, step_stats_minute) older than the compaction window are moved into
 * their hour rows (*_hour) by the SQL function stats_compact (migration
 * 20261204110000_stats_hourly), which deletes minute rows and adds them to hours in one statement
 * per batch: every finished run and step stays counted exactly once. Dashboard queries read minute
 * rows and hour rows together (stats-flow-filter.ts), so a week reads ~170 hour rows per flow
 * or node instead of ~10,000 minute rows.
 *
 * Every worker process schedules passes; a session advisory lock lets one process compact at a
 * time (the others skip that pass). Batches skip rows being written (SKIP LOCKED), so a pass never
 * waits on a finishing run.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { positiveInt } from '../env-number.ts';
import { RETENTION_LOCK_CLASS } from '../retention/retention-pruner.ts';

export const STATS_COMPACT_LOCK_KEY = 0x636f6d70; // "comp"
/** Minute rows younger than the hour that started this long ago stay minute rows. */
export const STATS_MINUTES_KEPT_HOURS = 2;
export const DEFAULT_STATS_COMPACT_INTERVAL_MS = 300_000;
const DEFAULT_BATCH_SIZE = 5_000;

export type StatsCompactionConfig = {
  /** How often a worker process starts a compaction pass (PATCHBAY_STATS_COMPACT_INTERVAL_MS). */
  intervalMs: number;
  /** Minute rows moved per statement and rollup. */
  batchSize: number;
};

export function statsCompactionConfigFromEnv(env: NodeJS.ProcessEnv): StatsCompactionConfig {
  return {
    intervalMs: positiveInt(
      env,
      'PATCHBAY_STATS_COMPACT_INTERVAL_MS',
      DEFAULT_STATS_COMPACT_INTERVAL_MS,
      1_000,
    ),
    batchSize: DEFAULT_BATCH_SIZE,
  };
}

export type CompactionResult = { outcome: 'skipped' } | { outcome: 'done'; rowsMoved: number };

/**
 * Moves every minute row from before `olderThan` (default: the start of the hour that began
 * STATS_MINUTES_KEPT_HOURS ago, by the database's clock) into its hour, in batches. Returns
 * `skipped` when another process holds the compaction lock.
 */
export async function compactStats(
  pool: pg.Pool,
  options: { olderThan?: Date; batchSize?: number; shouldStop?: () => boolean } = {},
): Promise<CompactionResult> {
  const client = await pool.connect();
  let locked = false;
  try {
    const lock = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS locked',
      [RETENTION_LOCK_CLASS, STATS_COMPACT_LOCK_KEY],
    );
    locked = lock.rows[0]?.locked === true;
    if (!locked) return { outcome: 'skipped' };
    const olderThan =
      options.olderThan ??
      (
        await client.query<{ at: Date }>(
          `SELECT date_bin('1 hour', now() - make_interval(hours => $1), 'epoch') AS at`,
          [STATS_MINUTES_KEPT_HOURS],
        )
      ).rows[0]?.at;
    let rowsMoved = 0;
    for (;;) {
      const { rows } = await client.query<{ moved: number }>(
        'SELECT stats_compact($1, $2) AS moved',
        [olderThan, options.batchSize ?? DEFAULT_BATCH_SIZE],
      );
      const moved = rows[0]?.moved ?? 0;
      rowsMoved += moved;
      if (moved === 0 || options.shouldStop?.()) return { outcome: 'done', rowsMoved };
    }
  } finally {
    if (locked) {
      await client
        .query('SELECT pg_advisory_unlock($1, $2)', [RETENTION_LOCK_CLASS, STATS_COMPACT_LOCK_KEY])
        .catch(() => undefined);
    }
    client.release();
  }
}

/** Schedules compaction passes in a worker process: the first soon after start, then every intervalMs. */
export class StatsCompactor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      config: StatsCompactionConfig;
      logger: Pick<Logger, 'info' | 'error'>;
      random?: () => number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(Math.min(this.deps.config.intervalMs, 60_000) * (0.5 + this.random()));
  }

  /** Stops scheduling and waits for a pass in progress (it stops after its current batch). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  compact(): Promise<CompactionResult> {
    return compactStats(this.deps.pool, {
      batchSize: this.deps.config.batchSize,
      shouldStop: () => this.stopped,
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.compact()
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error }, 'Compacting dashboard rollups failed'),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.deps.config.intervalMs * (0.9 + this.random() * 0.2));
        });
    }, delayMs);
    this.timer.unref();
  }

  private random(): number {
    return (this.deps.random ?? Math.random)();
  }
}
