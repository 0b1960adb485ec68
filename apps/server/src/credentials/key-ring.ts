/**
 * The vault's keys: AES-256-GCM with a 96-bit random nonce per seal. Every ciphertext names the
 * key that sealed it (`keyId`: the first 8 hex digits of the key's SHA-256), so a ring holding
 * the current key and earlier ones opens old rows while new ones are sealed with the current key
 * (see the rotation command, rotate-credentials.ts). The additional data binds a ciphertext to
 * its row: one credential's ciphertext pasted into another row does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PatchbayError } from '@patchbay/engine';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export type EncryptionKey = { id: string; key: Buffer };

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function encryptionKey(key: Buffer): EncryptionKey {
  if (key.length !== KEY_BYTES) {
    throw new Error(`An encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  }
  return { id: keyIdOf(key), key };
}

export type Sealed = { keyId: string; ciphertext: Buffer };

/** A ciphertext names a key this process does not have, or does not open with it. */
export class CredentialDecryptionError extends PatchbayError {}

export class KeyRing {
  readonly current: EncryptionKey;
  private readonly byId = new Map<string, EncryptionKey>();

  /** `previous`: keys that only open (PATCHBAY_ENCRYPTION_KEY_PREVIOUS). */
  constructor(current: EncryptionKey, previous: readonly EncryptionKey[] = []) {
    this.current = current;
    for (const key of [current, ...previous]) {
      if (!this.byId.has(key.id)) this.byId.set(key.id, key);
    }
  }

  /** A ring with one random key (tests). */
  static random(): KeyRing {
    return new KeyRing(encryptionKey(randomBytes(KEY_BYTES)));
  }

  get keyIds(): readonly string[] {
    return [...this.byId.keys()];
  }

  seal(plaintext: string, associatedData: string): Sealed {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.current.id,
      ciphertext: Buffer.concat([nonce, cipher.getAuthTag(), body]),
    };
  }

  open(sealed: Sealed, associatedData: string): string {
    const key = this.byId.get(sealed.keyId);
    if (!key) {
      throw new CredentialDecryptionError(
        'CREDENTIAL_KEY_MISSING',
        `This credential is encrypted with key ${sealed.keyId}, which this process does not have: ` +
          'set it in PATCHBAY_ENCRYPTION_KEY or PATCHBAY_ENCRYPTION_KEY_PREVIOUS.',
      );
    }
    const { ciphertext } = sealed;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        key.key,
        ciphertext.subarray(0, NONCE_BYTES),
      );
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(ciphertext.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(ciphertext.subarray(NONCE_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new CredentialDecryptionError(
        'CREDENTIAL_DECRYPTION_FAILED',
        `This credential does not decrypt with key ${sealed.keyId}: the stored value was altered.`,
        { cause: error },
      );
    }
  }
}
