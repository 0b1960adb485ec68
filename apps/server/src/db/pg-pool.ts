/**
 * A raw node-postgres pool for hot paths that need short explicit transactions (the upstream
 * guard takes row locks on every call). Connections pipeline their queries, so a transaction's
 * BEGIN travels with its first statement and its COMMIT with its last: two round trips for a
 * lock-read-write transaction instead of four.
 */
import pg from 'pg';

export type PgPoolLogger = { warn(obj: object, msg: string): void };

export function createPgPool(
  connectionString: string,
  logger: PgPoolLogger,
  options: { max?: number } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    pipeline: true,
    // A worker that stalls mid-transaction must not hold a target's row lock for long, and a
    // caller queued behind a lock fails loudly rather than waiting forever.
    idle_in_transaction_session_timeout: 10_000,
    lock_timeout: 5_000,
  });
  // An idle connection dropped by the server (restart, failover) is replaced on next use; without
  // a listener the pool's 'error' event would end the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'Idle PostgreSQL connection failed'));
  return pool;
}

export type TransactionOptions = {
  /**
   * COMMIT returns before the WAL is flushed to disk (synchronous_commit off, for this transaction
   * only). Other sessions see the data at once and a crash never corrupts it, but a Postgres crash
   * may lose the last fraction of a second of such commits. Right for soft state such as breaker
   * counters, where an fsync per call would dominate the cost; wrong for anything durable.
   */
  asyncCommit?: boolean;
};

export type Transaction = {
  client: pg.PoolClient;
  /**
   * Hands over a statement already sent whose result is not needed before COMMIT: COMMIT is
   * pipelined right behind it, and its failure fails (and rolls back) the transaction.
   */
  commitWith(statement: Promise<unknown>): void;
};

/** Runs `work` in one transaction on one connection: COMMIT when it resolves, else ROLLBACK. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (tx: Transaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  const pending: Promise<unknown>[] = [];
  // Not awaited before `work` starts: its first statement is pipelined behind BEGIN, and fails
  // with it. The rejection is observed below; the no-op catch only keeps it from being unhandled.
  const begin = client.query(
    options.asyncCommit ? 'BEGIN; SET LOCAL synchronous_commit TO off' : 'BEGIN',
  );
  begin.catch(() => undefined);
  let broken: Error | undefined;
  try {
    const result = await work({ client, commitWith: (statement) => pending.push(statement) });
    await begin;
    await Promise.all([...pending, client.query('COMMIT')]);
    return result;
  } catch (error) {
    // Observe every statement still in flight, so none is left as an unhandled rejection.
    await Promise.allSettled([begin, ...pending]);
    // The work's error is the one to report. A failed ROLLBACK means the connection is unusable:
    // hand it back as broken so the pool discards it (Postgres drops the transaction with it).
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
