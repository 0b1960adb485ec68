/** Sign-in settings from the environment (see README's configuration table). */
import { ConfigurationError } from '../configuration-error.ts';

export type AuthConfig = {
  /** A session ends after this long without a request. */
  sessionIdleMs: number;
  /** A session ends this long after sign-in, however active it is. */
  sessionMaxMs: number;
  /** Mark the session cookie Secure (the public URL is https). */
  secureCookies: boolean;
};

const HOUR_MS = 3_600_000;

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  sessionIdleMs: 24 * HOUR_MS,
  sessionMaxMs: 14 * 24 * HOUR_MS,
  secureCookies: false,
};

export function authConfigFromEnv(env: NodeJS.ProcessEnv, publicUrl: URL | undefined): AuthConfig {
  return {
    sessionIdleMs: hours(env, 'PATCHBAY_SESSION_IDLE_HOURS', 24) * HOUR_MS,
    sessionMaxMs: hours(env, 'PATCHBAY_SESSION_MAX_HOURS', 14 * 24) * HOUR_MS,
    secureCookies: publicUrl?.protocol === 'https:',
  };
}

function hours(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive number of hours, got "${raw}"`);
  }
  return value;
}
