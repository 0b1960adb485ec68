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
import { withTryAdvisoryLock } from '../db/advisory-lock.ts';
import { PeriodicTask } from '../db/periodic-task.ts';
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
  try {
    const pass = await withTryAdvisoryLock(
      client,
      [RETENTION_LOCK_CLASS, STATS_COMPACT_LOCK_KEY],
      async () => {
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
          if (moved === 0 || options.shouldStop?.()) return rowsMoved;
        }
      },
    );
    return pass.locked ? { outcome: 'done', rowsMoved: pass.value } : { outcome: 'skipped' };
  } finally {
    client.release();
  }
}

/** Schedules compaction passes in a worker process: the first soon after start, then every intervalMs. */
export class StatsCompactor {
  readonly #task: PeriodicTask;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      config: StatsCompactionConfig;
      logger: Pick<Logger, 'info' | 'error'>;
      random?: () => number;
    },
  ) {
    this.#task = new PeriodicTask({
      intervalMs: deps.config.intervalMs,
      run: () => this.compact(),
      failureMessage: 'Compacting dashboard rollups failed',
      logger: deps.logger,
      ...(deps.random ? { random: deps.random } : {}),
    });
  }

  start(): void {
    this.#task.start();
  }

  /** Stops scheduling and waits for a pass in progress (it stops after its current batch). */
  stop(): Promise<void> {
    return this.#task.stop();
  }

  compact(): Promise<CompactionResult> {
    return compactStats(this.deps.pool, {
      batchSize: this.deps.config.batchSize,
      shouldStop: () => this.#task.stopping,
    });
  }
}
