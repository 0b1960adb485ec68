/**
 * A credential row as stored, and how its values are sealed and opened. The API process seals
 * (create, update) and opens only to merge an update or run a test; workers open at call time.
 */
import type pg from 'pg';
import { isUuid } from '../uuid.ts';
import type { KeyRing } from './key-ring.ts';

export type SealedCredentialRow = {
  id: string;
  name: string;
  type: string;
  keyId: string;
  ciphertext: Buffer;
  updatedAt: Date;
};

/** Binds a ciphertext to its row and type. */
function associatedData(id: string, type: string): string {
  return `patchbay-credential:${id}:${type}`;
}

export function sealValues(
  keyRing: KeyRing,
  id: string,
  type: string,
  values: Record<string, unknown>,
) {
  return keyRing.seal(JSON.stringify(values), associatedData(id, type));
}

export function openValues(keyRing: KeyRing, row: SealedCredentialRow): Record<string, unknown> {
  const text = keyRing.open(
    { keyId: row.keyId, ciphertext: row.ciphertext },
    associatedData(row.id, row.type),
  );
  return JSON.parse(text) as Record<string, unknown>;
}

/** The row, or undefined (also for an id that is not a UUID: no such credential). */
export async function readSealedCredential(
  pool: pg.Pool,
  id: string,
): Promise<SealedCredentialRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await pool.query<SealedCredentialRow>(
    `SELECT id, name, type, key_id AS "keyId", ciphertext, updated_at AS "updatedAt"
       FROM credentials WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Tells every worker that a credential changed or went (closes its pooled connections). */
export const CREDENTIALS_CHANNEL = 'patchbay_credentials';
