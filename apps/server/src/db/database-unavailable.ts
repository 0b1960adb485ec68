/**
 * Whether an error means the database cannot be reached or used at all right now (refused,
 * dropped or timed-out connections, a server shutting down or out of connections, a database that
 * does not exist), as opposed to a problem with one statement. The API answers those with 503.
 * Covers raw node-postgres errors and Prisma's, with or without the driver adapter's details.
 */
import { isTransientDatabaseError } from './transient-error.ts';

/** Prisma: can't reach, timed out, database missing, operation timed out, closed, pool timeout. */
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1003', 'P1008', 'P1017', 'P2024']);
/** The driver adapter's error kinds for the same conditions. */
const ADAPTER_UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
/** SQLSTATE: connection exceptions, no such database, too many connections, shutting down. */
const UNAVAILABLE_SQLSTATE = /^(08\d{3}|3D000|53300|57P0[1-3])$/;
const SERIALIZATION_SQLSTATE = /^(40001|40P01)$/;

export function isDatabaseUnavailableError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (isUnavailable(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, meta } = error as { code?: unknown; name?: unknown; meta?: unknown };
  if (name === 'PrismaClientInitializationError') return true;
  if (typeof code === 'string') {
    if (PRISMA_UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
    // A lost serialization race or deadlock is transient but not an outage.
    if (SERIALIZATION_SQLSTATE.test(code)) return false;
  }
  const adapter = (meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined)
    ?.driverAdapterError?.cause;
  if (typeof adapter?.kind === 'string' && ADAPTER_UNAVAILABLE_KINDS.has(adapter.kind)) return true;
  return isTransientDatabaseError(error);
}
