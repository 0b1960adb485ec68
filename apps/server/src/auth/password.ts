/**
 * Password hashing with argon2id (OWASP's parameters, the library's defaults) and the rules a new
 * password must meet. Verifying against an unknown email still runs argon2 on a decoy hash, so a
 * sign-in takes as long whether or not the account exists.
 */
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
  // The library's default algorithm is argon2id (the stored hash says so: "$argon2id$…").
  return hash(password);
}

let decoyHash: Promise<string> | undefined;

/**
 * True when `password` matches `passwordHash`. With no hash (no such user, or an invited user
 * without a password), a decoy is verified instead and the answer is false.
 */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    decoyHash ??= hashPassword('patchbay decoy password');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Why a new password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  }
  return undefined;
}
