/**
 * Occurrences a trigger fires exactly once across every process (a schedule tick): the first
 * process to insert (flow, key) into trigger_claims fires it, the rest find it taken. Old claims
 * are deleted, but each flow's newest is kept, so a schedule's catch-up can still tell that its
 * last tick fired however long ago that was.
 */
import type pg from 'pg';

/** Claims older than this are deleted (each flow's newest is kept). */
export const TRIGGER_CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000;

export async function claimOnce(pool: pg.Pool, flowId: string, key: string): Promise<boolean> {
  const { rowCount } = await pool.query({
    name: 'patchbay_trigger_claim',
    text: `INSERT INTO trigger_claims (flow_id, key) VALUES ($1, $2)
           ON CONFLICT (flow_id, key) DO NOTHING`,
    values: [flowId, key],
  });
  return rowCount === 1;
}

/** Deletes claims past the retention, except each flow's newest. Returns how many went. */
export async function deleteOldClaims(
  pool: pg.Pool,
  retentionMs = TRIGGER_CLAIM_RETENTION_MS,
): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM trigger_claims c
      WHERE c.claimed_at < now() - $1 * interval '1 millisecond'
        AND EXISTS (SELECT 1 FROM trigger_claims n
                     WHERE n.flow_id = c.flow_id AND n.claimed_at > c.claimed_at)`,
    [retentionMs],
  );
  return rowCount ?? 0;
}
