/**
 * Key rotation: re-seals every credential still sealed with an older key with the current one.
 * Each row is re-sealed in its own short transaction (locked, so a concurrent update is not
 * lost); updated_at is left alone, since the values did not change. A row that no key of the
 * ring opens is reported and left as it is.
 */
import type pg from 'pg';
import type { KeyRing } from './key-ring.ts';
import { openValues, type SealedCredentialRow, sealValues } from './sealed-credential.ts';

export type RotationResult = {
  /** Re-sealed with the current key. */
  rotated: number;
  /** Sealed with the current key already. */
  current: number;
  failed: { id: string; name: string; message: string }[];
};

export async function rotateCredentials(pool: pg.Pool, keyRing: KeyRing): Promise<RotationResult> {
  const currentId = keyRing.current.id;
  const { rows: totals } = await pool.query<{ count: string }>(
    'SELECT count(*) AS count FROM credentials WHERE key_id = $1',
    [currentId],
  );
  const { rows: pending } = await pool.query<{ id: string }>(
    'SELECT id FROM credentials WHERE key_id <> $1 ORDER BY id',
    [currentId],
  );
  const result: RotationResult = {
    rotated: 0,
    current: Number(totals[0]?.count ?? 0),
    failed: [],
  };
  for (const { id } of pending) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<SealedCredentialRow>(
        `SELECT id, name, type, key_id AS "keyId", ciphertext, updated_at AS "updatedAt"
           FROM credentials WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const row = rows[0];
      if (!row || row.keyId === currentId) {
        await client.query('COMMIT');
        continue;
      }
      try {
        const sealed = sealValues(keyRing, row.id, row.type, openValues(keyRing, row));
        await client.query('UPDATE credentials SET ciphertext = $2, key_id = $3 WHERE id = $1', [
          row.id,
          sealed.ciphertext,
          sealed.keyId,
        ]);
        await client.query('COMMIT');
        result.rotated++;
      } catch (error) {
        await client.query('ROLLBACK');
        result.failed.push({ id: row.id, name: row.name, message: (error as Error).message });
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return result;
}
