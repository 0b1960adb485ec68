/** Readable, document-valid ids for new nodes and edges (letters, digits, `_`, `-`; ≤ 64). */

const MAX_ID_LENGTH = 64;

function sanitize(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return cleaned.length > 0 ? cleaned : 'node';
}

function firstFree(base: string, taken: ReadonlySet<string>, startAt: number): string {
  for (let n = startAt; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${base.slice(0, MAX_ID_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `http.request` -> `http_request_1`, then `http_request_2`, … skipping ids already used. */
export function nextNodeId(nodeType: string, taken: ReadonlySet<string>): string {
  return firstFree(sanitize(nodeType), taken, 1);
}

/** `check-true-notify` style ids; numbered only when the same connection repeats. */
export function nextEdgeId(
  connection: { source: string; target: string; sourceHandle?: string | null | undefined },
  taken: ReadonlySet<string>,
): string {
  const parts = [connection.source, connection.sourceHandle, connection.target].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  const joined = sanitize(parts.join('-'));
  const base = joined.length <= MAX_ID_LENGTH ? joined : 'edge';
  if (base !== 'edge' && !taken.has(base)) return base;
  return firstFree(base, taken, 2);
}
