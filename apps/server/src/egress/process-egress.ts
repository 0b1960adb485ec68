/**
 * The process's one egress guard: PATCHBAY_EGRESS_ALLOW and PATCHBAY_EGRESS_DENY_PRIVATE, plus
 * Patchbay's own database and HTTP ports, which flows must never reach. The worker's HTTP calls
 * go through its guarded fetch.
 */
import {
  createGuardedFetch,
  EgressGuard,
  type EgressSettings,
  type GuardedFetch,
  type OwnEndpointConfig,
} from '@patchbay/egress';

export type ProcessEgress = { guard: EgressGuard; http: GuardedFetch };

export async function createProcessEgress(options: {
  /** From the environment (`egressSettingsFromEnv`), read at startup so a typo fails fast. */
  settings: EgressSettings;
  /** The database this process uses (DATABASE_URL, or the embedded PostgreSQL's URL). */
  databaseUrl: string;
  /** Where this process listens for HTTP, when known before listening (port 0 is not). */
  listen?: { host: string; port: number } | undefined;
}): Promise<ProcessEgress> {
  const ownEndpoints: OwnEndpointConfig[] = [];
  const database = databaseEndpoint(options.databaseUrl);
  if (database) ownEndpoints.push(database);
  if (options.listen && options.listen.port !== 0) {
    ownEndpoints.push({ kind: 'http', ...options.listen });
  }
  const guard = await EgressGuard.create({ ...options.settings, ownEndpoints });
  return { guard, http: createGuardedFetch(guard) };
}

/** The database's host and port; none for a Unix socket, which no flow can reach anyway. */
export function databaseEndpoint(connectionString: string): OwnEndpointConfig | undefined {
  const url = URL.parse(connectionString);
  const socketDir = url?.searchParams.get('host');
  if (!url?.hostname || socketDir?.startsWith('/')) return undefined;
  return { kind: 'database', host: url.hostname, port: Number(url.port) || 5432 };
}
