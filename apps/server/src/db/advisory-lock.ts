/**
 * Session advisory locks that let one process at a time do a job every process schedules: the
 * others skip that pass instead of waiting.
 */
import type pg from 'pg';

export type AdvisoryLockKey = readonly [classId: number, objectId: number];

/**
 * Runs `job` on `client` while holding the lock, or returns `{ locked: false }` at once when
 * another session holds it. The lock is released whatever `job` does.
 */
export async function withTryAdvisoryLock<T>(
  client: pg.PoolClient,
  key: AdvisoryLockKey,
  job: () => Promise<T>,
): Promise<{ locked: false } | { locked: true; value: T }> {
  const lock = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock($1, $2) AS locked',
    [key[0], key[1]],
  );
  if (lock.rows[0]?.locked !== true) return { locked: false };
  try {
    return { locked: true, value: await job() };
  } finally {
    await client
      .query('SELECT pg_advisory_unlock($1, $2)', [key[0], key[1]])
      .catch(() => undefined);
  }
}
