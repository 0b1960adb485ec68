/**
 * What any JSON value Patchbay accepts must respect: objects and arrays nested at most
 * MAX_JSON_DEPTH levels, and no string or object key holding a NUL character or an unpaired
 * surrogate (PostgreSQL cannot store either; deep nesting overflows recursive code). The walk is
 * iterative, so a value nested a million levels deep is reported, not a stack overflow.
 */

/** Most levels of nested objects and arrays in a JSON value (the value itself is level 1). */
export const MAX_JSON_DEPTH = 64;

export type JsonPath = (string | number)[];

export type JsonProblemKind = 'too_deep' | 'nul' | 'lone_surrogate';

export type JsonProblem = {
  kind: JsonProblemKind;
  /** Where: the nested value, or for a bad object key, the key itself (last element). */
  path: JsonPath;
  /** The problem is in the object key at the end of `path`, not in its value. */
  inKey: boolean;
};

export type FindJsonProblemsOptions = {
  /** Default MAX_JSON_DEPTH. */
  maxDepth?: number;
  /**
   * The level of `value` itself when it is an object or array: 1 (default) counts it; 0 does not,
   * for a wrapper such as a procedure's input object whose fields are the values being limited.
   */
  rootLevel?: number;
  /** Stop after this many problems (default 20). */
  limit?: number;
};

type Frame = {
  value: unknown;
  key: string | number | undefined;
  parent: Frame | undefined;
  level: number;
};

/** The problems in `value`, first found first, up to `limit`. An empty list: the value is fine. */
export function findJsonProblems(
  value: unknown,
  options: FindJsonProblemsOptions = {},
): JsonProblem[] {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const limit = options.limit ?? 20;
  const problems: JsonProblem[] = [];
  const stack: Frame[] = [
    { value, key: undefined, parent: undefined, level: (options.rootLevel ?? 1) - 1 },
  ];
  while (stack.length > 0 && problems.length < limit) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === 'string') {
      const kind = stringProblem(current);
      if (kind) problems.push({ kind, path: pathOf(frame), inKey: false });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const level = frame.level + 1;
    if (level > maxDepth) {
      problems.push({ kind: 'too_deep', path: pathOf(frame), inKey: false });
      continue;
    }
    // Pushed in reverse, so that children are visited in document order.
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: current[i], key: i, parent: frame, level });
      }
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) {
      const kind = stringProblem(key);
      if (kind) problems.push({ kind, path: [...pathOf(frame), key], inKey: true });
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({ value: (current as Record<string, unknown>)[key], key, parent: frame, level });
    }
  }
  return problems.slice(0, limit);
}

function stringProblem(text: string): JsonProblemKind | undefined {
  if (text.includes('\u0000')) return 'nul';
  if (!text.isWellFormed()) return 'lone_surrogate';
  return undefined;
}

function pathOf(frame: Frame): JsonPath {
  const path: JsonPath = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** What is wrong, to follow the field's name: "contains a NUL character (\\u0000), …". */
export function describeJsonProblem(problem: JsonProblem, maxDepth = MAX_JSON_DEPTH): string {
  const subject = problem.inKey ? 'the field name contains' : 'contains';
  switch (problem.kind) {
    case 'too_deep':
      return `is nested more than ${maxDepth} levels deep`;
    case 'nul':
      return `${subject} a NUL character (\\u0000), which cannot be stored`;
    case 'lone_surrogate':
      return `${subject} invalid Unicode (an unpaired surrogate), which cannot be stored`;
    default: {
      const unexpected: never = problem.kind;
      return String(unexpected);
    }
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A path as people read it: `input.document.nodes[2].config.expression`. Keys that are not plain
 * identifiers are quoted as JSON (`headers["x-key"]`), which also escapes NULs and surrogates.
 */
export function formatJsonPath(path: JsonPath, root = ''): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}
