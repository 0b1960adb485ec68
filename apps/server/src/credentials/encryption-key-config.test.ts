import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEY_FILE_NAME,
  keyRingFromEnv,
  validateEncryptionKeySettings,
} from './encryption-key-config.ts';
import { KeyRing, keyIdOf } from './key-ring.ts';

let dataDir: string;
const logged: { fields: Record<string, unknown>; message: string }[] = [];
const logger = {
  info: (fields: Record<string, unknown>, message: string) => void logged.push({ fields, message }),
  warn: (fields: Record<string, unknown>, message: string) => void logged.push({ fields, message }),
} as never;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'patchbay-keys-'));
  logged.length = 0;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the vault key', () => {
  it('is generated once into the data directory with mode 0600, and the log says so without it', async () => {
    const env = { PATCHBAY_DATA_DIR: dataDir };
    const first = await keyRingFromEnv(env, logger);
    const file = path.join(dataDir, KEY_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    expect(key).toHaveLength(32);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toContain('generated a credentials encryption key');
    expect(JSON.stringify(logged)).not.toContain(key.toString('base64'));
    const second = await keyRingFromEnv(env, logger);
    expect(second.current.id).toBe(first.current.id);
    expect(logged).toHaveLength(1);
  });

  it('gives two processes starting together the same key', async () => {
    const env = { PATCHBAY_DATA_DIR: dataDir };
    const rings = await Promise.all([keyRingFromEnv(env, logger), keyRingFromEnv(env, logger)]);
    expect(rings[0].current.id).toBe(rings[1].current.id);
  });

  it('comes from PATCHBAY_ENCRYPTION_KEY, with previous keys and a leftover key file opening old values', async () => {
    const fileKey = randomBytes(32);
    await writeFile(path.join(dataDir, KEY_FILE_NAME), fileKey.toString('base64'));
    const current = randomBytes(32);
    const previous = randomBytes(32);
    const ring = await keyRingFromEnv(
      {
        PATCHBAY_DATA_DIR: dataDir,
        PATCHBAY_ENCRYPTION_KEY: current.toString('base64'),
        PATCHBAY_ENCRYPTION_KEY_PREVIOUS: ` ${previous.toString('base64')} ,`,
      },
      logger,
    );
    expect(ring.current.id).toBe(keyIdOf(current));
    expect(ring.keyIds).toEqual([keyIdOf(current), keyIdOf(previous), keyIdOf(fileKey)]);
    const sealedWithFile = new KeyRing({ id: keyIdOf(fileKey), key: fileKey }).seal('v', 'ad');
    expect(ring.open(sealedWithFile, 'ad')).toBe('v');
  });

  it('refuses a key of the wrong length or not base64, naming the setting', () => {
    expect(() =>
      validateEncryptionKeySettings({
        PATCHBAY_ENCRYPTION_KEY: randomBytes(16).toString('base64'),
      }),
    ).toThrow(/PATCHBAY_ENCRYPTION_KEY must be 32 random bytes in base64.*got 16 bytes/);
    expect(() =>
      validateEncryptionKeySettings({ PATCHBAY_ENCRYPTION_KEY_PREVIOUS: 'not base64!' }),
    ).toThrow(/PATCHBAY_ENCRYPTION_KEY_PREVIOUS \(key 1\) must be 32 random bytes/);
    expect(() => validateEncryptionKeySettings({})).not.toThrow();
  });
});

describe('the key ring', () => {
  it('binds a ciphertext to its associated data and detects tampering', () => {
    const ring = KeyRing.random();
    const sealed = ring.seal('{"token":"abc"}', 'row-1');
    expect(ring.open(sealed, 'row-1')).toBe('{"token":"abc"}');
    expect(() => ring.open(sealed, 'row-2')).toThrow(/does not decrypt/);
    const altered = Buffer.from(sealed.ciphertext);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => ring.open({ ...sealed, ciphertext: altered }, 'row-1')).toThrow(/altered/);
    expect(() => KeyRing.random().open(sealed, 'row-1')).toThrow(
      /key .* which this process does not have/,
    );
  });
});
