/**
 * Random secrets (session cookies, API tokens, one-time links) and their digests. Only digests are
 * stored: the secrets are 256-bit random, so a plain SHA-256 is enough (no password hashing).
 */
import { createHash, randomBytes } from 'node:crypto';

/** A new secret, URL-safe, with an optional recognisable prefix ("pb_" for API tokens). */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
