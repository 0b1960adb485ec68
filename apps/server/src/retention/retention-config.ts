/** Retention settings from the environment (see the configuration table in README.md). */
import { positiveInt } from '../env-number.ts';

export type RetentionConfig = {
  /** Finished runs older than this many days are deleted with their steps; 0 keeps them forever. */
  runRetentionDays: number;
  /** Step inputs and outputs of succeeded runs older than this are cleared; undefined: never. */
  stepDataRetentionDays: number | undefined;
  /** How often a worker process starts a pruning pass (one process at a time prunes). */
  intervalMs: number;
  /** Runs deleted or cleared per statement, so no statement holds many row locks for long. */
  batchSize: number;
  /** The pause between two batches, so pruning leaves room for the runs being executed. */
  batchPauseMs: number;
};

export const DEFAULT_RUN_RETENTION_DAYS = 30;
export const DEFAULT_RETENTION_INTERVAL_MS = 3_600_000;
export const DEFAULT_RETENTION_BATCH_SIZE = 500;
export const DEFAULT_RETENTION_BATCH_PAUSE_MS = 100;

export const DEFAULT_RETENTION_CONFIG: RetentionConfig = Object.freeze({
  runRetentionDays: DEFAULT_RUN_RETENTION_DAYS,
  stepDataRetentionDays: undefined,
  intervalMs: DEFAULT_RETENTION_INTERVAL_MS,
  batchSize: DEFAULT_RETENTION_BATCH_SIZE,
  batchPauseMs: DEFAULT_RETENTION_BATCH_PAUSE_MS,
});

export function retentionConfigFromEnv(env: NodeJS.ProcessEnv): RetentionConfig {
  const runRetentionDays = positiveInt(
    env,
    'PATCHBAY_RUN_RETENTION_DAYS',
    DEFAULT_RUN_RETENTION_DAYS,
    0,
  );
  const rawStepDays = env.PATCHBAY_STEP_DATA_RETENTION_DAYS?.trim();
  const stepDataRetentionDays = rawStepDays
    ? positiveInt(env, 'PATCHBAY_STEP_DATA_RETENTION_DAYS', 1, 1)
    : undefined;
  if (
    stepDataRetentionDays !== undefined &&
    runRetentionDays > 0 &&
    stepDataRetentionDays >= runRetentionDays
  ) {
    throw new Error(
      `PATCHBAY_STEP_DATA_RETENTION_DAYS (${stepDataRetentionDays}) must be shorter than PATCHBAY_RUN_RETENTION_DAYS (${runRetentionDays}): runs are deleted, step data and all, after ${runRetentionDays} days`,
    );
  }
  return {
    runRetentionDays,
    stepDataRetentionDays,
    intervalMs: positiveInt(
      env,
      'PATCHBAY_RETENTION_INTERVAL_MS',
      DEFAULT_RETENTION_INTERVAL_MS,
      1_000,
    ),
    batchSize: positiveInt(env, 'PATCHBAY_RETENTION_BATCH_SIZE', DEFAULT_RETENTION_BATCH_SIZE),
    batchPauseMs: DEFAULT_RETENTION_BATCH_PAUSE_MS,
  };
}
