/**
 * What the audit log keeps of a mutation: its target (the id it acted on, from the input or the
 * result) and a short summary of the input. Secrets and bulky values (documents, run input) are
 * never kept.
 */
const TARGET_FIELDS = ['id', 'flowId', 'runId', 'target', 'userId'] as const;
const SECRET_KEY = /password|secret|token|authorization|cookie/i;
const BULKY_KEYS = new Set(['document', 'input', 'data']);
const MAX_TEXT = 200;

export function auditTarget(
  path: string,
  input: unknown,
  result: unknown,
): { type: string; id: string } | undefined {
  const type = path.split('.')[0] ?? path;
  for (const source of [input, result]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const field of TARGET_FIELDS) {
      const value = (source as Record<string, unknown>)[field];
      if (typeof value === 'string' && value !== '') {
        return { type: field === 'runId' ? 'runs' : type, id: value.slice(0, MAX_TEXT) };
      }
    }
  }
  return undefined;
}

/** Top-level scalar fields of the input, without secrets and bulky values. */
export function auditDetails(input: unknown): Record<string, unknown> | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (SECRET_KEY.test(key) || BULKY_KEYS.has(key)) continue;
    if (typeof value === 'string') details[key] = value.slice(0, MAX_TEXT);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
      details[key] = value;
    }
  }
  return Object.keys(details).length > 0 ? details : undefined;
}
