/**
 * The embedded cluster's superuser password: random, made at the first start and kept beside the
 * cluster in a file only Patchbay's user can read (mode 0600). Clusters made before this existed
 * used a constant password; their first start under this code replaces it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine/errors';

export const PASSWORD_FILE_NAME = 'postgres-password';
/** What every embedded cluster used before the password was generated. */
export const LEGACY_PASSWORD = 'patchbay';

export function passwordFilePath(clusterDir: string): string {
  return path.join(path.dirname(clusterDir), PASSWORD_FILE_NAME);
}

/** 32 random bytes, URL-safe, so it goes into a connection string as it is. */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the file atomically with mode 0600 (whatever the umask). */
export async function writePasswordFile(file: string, password: string): Promise<void> {
  const draft = `${file}.new`;
  await writeFile(draft, `${password}\n`, { mode: 0o600 });
  await chmod(draft, 0o600);
  await rename(draft, file);
}

export async function readPasswordFile(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text?.trim() || undefined;
}

/**
 * The password of an existing cluster, kept in `file` afterwards. Tried in order: the kept one;
 * else one that a change cut short by a crash had set (`.pending`); else the legacy constant,
 * which is then replaced by a random one. `accepts` is false when the server refuses a password.
 * The new password is on disk before the role changes, so a crash in between loses nothing.
 */
export async function settlePassword(
  file: string,
  accepts: (password: string) => Promise<boolean>,
  alterRole: (currentPassword: string, newPassword: string) => Promise<void>,
): Promise<string> {
  const kept = await readPasswordFile(file);
  if (kept !== undefined) {
    if (await accepts(kept)) return kept;
    throw new PatchbayError(
      'EMBEDDED_DATABASE_PASSWORD_REFUSED',
      `The embedded PostgreSQL refused the password kept in ${file}: put back the file that ` +
        'belongs to this cluster, or move the cluster folder away to start with a new one.',
    );
  }
  const pendingFile = `${file}.pending`;
  const pending = await readPasswordFile(pendingFile);
  if (pending !== undefined && (await accepts(pending))) {
    await writePasswordFile(file, pending);
    await rm(pendingFile, { force: true });
    return pending;
  }
  if (!(await accepts(LEGACY_PASSWORD))) {
    throw new PatchbayError(
      'EMBEDDED_DATABASE_PASSWORD_REFUSED',
      `The embedded PostgreSQL's password is not in ${file}: put back that file, or move the ` +
        'cluster folder away to start with a new one.',
    );
  }
  const password = generatePassword();
  await writeFile(pendingFile, `${password}\n`, { mode: 0o600 });
  await chmod(pendingFile, 0o600);
  await alterRole(LEGACY_PASSWORD, password);
  await writePasswordFile(file, password);
  await rm(pendingFile, { force: true });
  return password;
}
