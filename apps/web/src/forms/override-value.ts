/**
 * Editing a sparse object of overrides (a node's policy, a flow's settings): only what the user
 * set is stored, so every unset field keeps following its default. Clearing a field removes it,
 * and an object left empty goes too, unless `{}` means something there (an incomplete rate limit).
 */

export type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** The value at `path`, or undefined when any step is missing or not an object. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    const object = asObject(current);
    if (!object) return undefined;
    current = object[key];
  }
  return current;
}

/**
 * A copy of `root` with `value` at `path` (undefined removes it). Objects on the path left empty
 * are removed unless `keepsEmpty(theirPath)`; the result is undefined when nothing is left.
 * Untouched branches and key order are kept as they were.
 */
export function withValueAt(
  root: JsonObject | undefined,
  path: readonly string[],
  value: unknown,
  keepsEmpty: (path: readonly string[]) => boolean = () => false,
): JsonObject | undefined {
  return setIn(root, path, 0, value, keepsEmpty);
}

function setIn(
  object: JsonObject | undefined,
  path: readonly string[],
  depth: number,
  value: unknown,
  keepsEmpty: (path: readonly string[]) => boolean,
): JsonObject | undefined {
  const key = path[depth];
  if (key === undefined) throw new Error('withValueAt needs a non-empty path');
  const child =
    depth === path.length - 1
      ? value
      : setIn(asObject(object?.[key]), path, depth + 1, value, keepsEmpty);
  const next: JsonObject = { ...object };
  if (child === undefined) delete next[key];
  else next[key] = child;
  if (Object.keys(next).length > 0 || keepsEmpty(path.slice(0, depth))) return next;
  return undefined;
}
