/**
 * Whether a database error is worth retrying: the connection failed or was refused, the server is
 * out of connections or shutting down, or a transaction lost a serialization race or a deadlock.
 * Anything else (a constraint, bad data) fails the same way every time.
 */
const TRANSIENT_SQLSTATE = /^(08\d{3}|53\d{3}|57P0[1-4]|40001|40P01)$/;
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE_CODES.has(code))
  ) {
    return true;
  }
  return TRANSIENT_MESSAGES.some((message) => error.message.includes(message));
}
