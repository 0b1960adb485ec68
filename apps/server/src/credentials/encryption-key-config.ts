/**
 * Where the vault's key comes from. PATCHBAY_ENCRYPTION_KEY (32 bytes, base64) when set, with
 * PATCHBAY_ENCRYPTION_KEY_PREVIOUS (comma-separated) for keys that only decrypt; unset, a key
 * generated once into the data directory (`encryption.key`, mode 0600) and read from there on
 * every later start. A key file left behind after PATCHBAY_ENCRYPTION_KEY is set still decrypts,
 * so moving from the generated key to a configured one is: set it, rotate, delete the file.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigurationError } from '../configuration-error.ts';
import { defaultDataDir } from '../repo-paths.ts';
import { type EncryptionKey, encryptionKey, KEY_BYTES, KeyRing } from './key-ring.ts';

export const KEY_FILE_NAME = 'encryption.key';

export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.PATCHBAY_DATA_DIR?.trim() || defaultDataDir);
}

/** Parses one base64 key; `name` is the setting it came from, for the error. */
export function parseKey(raw: string, name: string): EncryptionKey {
  const text = raw.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!bytes || bytes.length !== KEY_BYTES) {
    throw new ConfigurationError(
      `${name} must be ${KEY_BYTES} random bytes in base64 (44 characters; make one with ` +
        `\`openssl rand -base64 32\`), got ${bytes ? `${bytes.length} bytes` : 'something that is not base64'}.`,
    );
  }
  return encryptionKey(bytes);
}

/** Checks PATCHBAY_ENCRYPTION_KEY(_PREVIOUS) at start, before the database starts. */
export function validateEncryptionKeySettings(env: NodeJS.ProcessEnv): void {
  previousKeys(env);
  const configured = env.PATCHBAY_ENCRYPTION_KEY?.trim();
  if (configured) parseKey(configured, 'PATCHBAY_ENCRYPTION_KEY');
}

function previousKeys(env: NodeJS.ProcessEnv): EncryptionKey[] {
  return (env.PATCHBAY_ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, index) => parseKey(part, `PATCHBAY_ENCRYPTION_KEY_PREVIOUS (key ${index + 1})`));
}

export async function keyRingFromEnv(
  env: NodeJS.ProcessEnv,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<KeyRing> {
  const previous = previousKeys(env);
  const keyFile = path.join(dataDirOf(env), KEY_FILE_NAME);
  const configured = env.PATCHBAY_ENCRYPTION_KEY?.trim();
  if (configured) {
    const current = parseKey(configured, 'PATCHBAY_ENCRYPTION_KEY');
    const fromFile = await readKeyFile(keyFile);
    return new KeyRing(current, fromFile ? [...previous, fromFile] : previous);
  }
  const existing = await readKeyFile(keyFile);
  if (existing) return new KeyRing(existing, previous);
  const created = await createKeyFile(keyFile);
  if (created.created) {
    // Info, not a warning: a default install is expected to generate its key (issue 6 keeps
    // defaults free of warnings); the line still says where the key is and why to back it up.
    logger.info(
      { keyFile, keyId: created.key.id },
      'PATCHBAY_ENCRYPTION_KEY is not set: generated a credentials encryption key into the data directory. ' +
        'Back it up with the database; every process that runs flows needs the same key (set PATCHBAY_ENCRYPTION_KEY when they run on several machines).',
    );
  }
  return new KeyRing(created.key, previous);
}

async function readKeyFile(file: string): Promise<EncryptionKey | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigurationError(
      `Cannot read the encryption key file ${file}: ${(error as Error).message}`,
    );
  }
  return parseKey(text, `The key file ${file}`);
}

/** Creates the key file exclusively: two processes starting together end up with one key. */
async function createKeyFile(file: string): Promise<{ key: EncryptionKey; created: boolean }> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const key = encryptionKey(randomBytes(KEY_BYTES));
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigurationError(
        `Cannot create the encryption key file ${file}: ${(error as Error).message}. ` +
          'Set PATCHBAY_ENCRYPTION_KEY, or PATCHBAY_DATA_DIR to a writable folder.',
      );
    }
    // Another process won the race; it writes the key before its file is visible non-empty.
    for (let attempt = 0; attempt < 50; attempt++) {
      const existing = await readKeyFile(file).catch(() => undefined);
      if (existing) return { key: existing, created: false };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const existing = await readKeyFile(file);
    if (!existing) throw new ConfigurationError(`The encryption key file ${file} is empty`);
    return { key: existing, created: false };
  }
  try {
    await handle.writeFile(`${key.key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { key, created: true };
}
