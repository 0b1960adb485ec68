/**
 * Save warnings for http.request: a secret typed literally into a header or query parameter
 * lands in the flow document, its versions and its exports. A credential keeps it encrypted
 * and out of them; the warning says which one to use.
 */
import type { NodeConfigWarning } from '@patchbay/engine';

const SECRET_HEADERS: ReadonlyMap<string, string> = new Map([
  ['authorization', 'an httpBearer or httpBasic credential'],
  ['proxy-authorization', 'an httpHeader credential'],
  ['x-api-key', 'an httpHeader credential'],
  ['api-key', 'an httpHeader credential'],
  ['apikey', 'an httpHeader credential'],
  ['x-auth-token', 'an httpHeader credential'],
  ['x-access-token', 'an httpHeader credential'],
  ['private-token', 'an httpHeader credential'],
  ['cookie', 'an httpHeader credential'],
]);

const SECRET_QUERY =
  /^(api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|key|sig|signature)$/i;

/** A value with no {{ }} part: typed in, not computed at run time. */
function isLiteral(value: string): boolean {
  return value.trim() !== '' && !value.includes('{{');
}

export function literalSecretWarnings(config: {
  headers: Record<string, string>;
  query: Record<string, string>;
}): NodeConfigWarning[] {
  const warnings: NodeConfigWarning[] = [];
  for (const [name, value] of Object.entries(config.headers)) {
    const suggestion = SECRET_HEADERS.get(name.toLowerCase());
    if (!suggestion || !isLiteral(value)) continue;
    warnings.push({
      path: ['headers', name],
      message: `header "${name}" holds a literal secret, which is stored in the flow and its exports; use ${suggestion} in Authentication instead`,
    });
  }
  for (const [name, value] of Object.entries(config.query)) {
    if (!SECRET_QUERY.test(name) || !isLiteral(value)) continue;
    warnings.push({
      path: ['query', name],
      message: `query parameter "${name}" holds a literal secret, which is stored in the flow and its exports; use an httpQuery credential in Authentication instead`,
    });
  }
  return warnings;
}
