/** The egress policy from the environment: PATCHBAY_EGRESS_ALLOW and PATCHBAY_EGRESS_DENY_PRIVATE. */
import { type AllowEntry, EgressConfigError, parseAllowList } from './allow-list.ts';
import { EgressGuard, type EgressGuardOptions } from './egress-guard.ts';

export type EgressSettings = { allow: AllowEntry[]; denyPrivate: boolean };

/** Throws EgressConfigError naming the variable and the bad value. */
export function egressSettingsFromEnv(env: Record<string, string | undefined>): EgressSettings {
  return {
    allow: parseAllowList(env.PATCHBAY_EGRESS_ALLOW),
    denyPrivate: parseFlag(env.PATCHBAY_EGRESS_DENY_PRIVATE, 'PATCHBAY_EGRESS_DENY_PRIVATE'),
  };
}

/** The process's guard: the environment's settings plus Patchbay's own ports. */
export function createEgressGuardFromEnv(
  env: Record<string, string | undefined>,
  options: Omit<EgressGuardOptions, 'allow' | 'denyPrivate'> = {},
): Promise<EgressGuard> {
  return EgressGuard.create({ ...egressSettingsFromEnv(env), ...options });
}

function parseFlag(raw: string | undefined, name: string): boolean {
  const value = raw?.trim().toLowerCase() ?? '';
  if (['', 'false', '0', 'no', 'off'].includes(value)) return false;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  throw new EgressConfigError(`${name} must be true or false, got "${raw}"`);
}
