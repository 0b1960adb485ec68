/**
 * The in-process fast path's guard. JSONata checks its deadline between evaluation steps, so one
 * step that runs long (a built-in function on a huge string or array, a regular expression that
 * backtracks) cannot be stopped once it starts. In process, such work is refused before it starts
 * with ExpressionNeedsIsolation, and the evaluation moves to the sandbox, where it can be killed.
 */
import jsonata from 'jsonata';
import { ExpressionNeedsIsolation } from './expression-limits.ts';

/** What one step may handle in process. Each is a few milliseconds of work at most. */
export const FAST_PATH_CAPS = Object.freeze({
  /** Characters of a string a built-in function takes or builds, or a step returns. */
  stringChars: 1_000_000,
  /** Items of an array a built-in function takes or builds, and of a sequence JSONata builds. */
  items: 100_000,
  /** Items `$sort` takes: its merge sort copies arrays, so its cost grows with the square. */
  sortItems: 1_000,
  /** JSON characters of the values `$string`, `$clone`, `$keys`, `$spread` and `$merge` walk. */
  jsonChars: 1_000_000,
  /** Items × JSON characters for `$distinct`, which compares every item with every other. */
  distinctWork: 10_000_000,
});

/** JSONata 2.2's built-in functions: each is wrapped with a check of its arguments. */
// biome-ignore format: one list, not one name a line
const BUILT_INS = [
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore',
  'substringAfter', 'lowercase', 'uppercase', 'length', 'trim', 'pad', 'match', 'contains',
  'replace', 'split', 'join', 'formatNumber', 'formatBase', 'formatInteger', 'parseInteger',
  'number', 'floor', 'ceil', 'round', 'abs', 'sqrt', 'power', 'random', 'boolean', 'not', 'map',
  'zip', 'filter', 'single', 'reduce', 'sift', 'keys', 'lookup', 'append', 'exists', 'spread',
  'merge', 'reverse', 'each', 'error', 'assert', 'type', 'sort', 'shuffle', 'distinct',
  'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent',
  'decodeUrl', 'eval', 'toMillis', 'fromMillis', 'clone',
] as const;

/** JSONata's representation of a native function (`defineFunction` in jsonata.js). */
type JsonataFunction = {
  _jsonata_function: true;
  implementation: (...args: unknown[]) => unknown;
  signature?: unknown;
  arity?: number;
};

type ArgumentCheck = (args: readonly unknown[]) => void;

function isolate(reason: string): never {
  throw new ExpressionNeedsIsolation(reason);
}

/** Every built-in: no argument may be a string or an array beyond the caps. */
function checkSizes(args: readonly unknown[]): void {
  for (const arg of args) {
    if (typeof arg === 'string') {
      if (arg.length > FAST_PATH_CAPS.stringChars) isolate('a long string');
    } else if (Array.isArray(arg) && arg.length > FAST_PATH_CAPS.items) {
      isolate('a long array');
    }
  }
}

function checkWalked(args: readonly unknown[]): void {
  checkSizes(args);
  if (jsonLengthExceeds(args[0], FAST_PATH_CAPS.jsonChars)) isolate('a large value');
}

/** Built-ins whose work is not bounded by the size of their arguments alone. */
const CHECKS: Readonly<Record<string, ArgumentCheck>> = {
  pad: (args) => {
    checkSizes(args);
    const [, width, char] = args;
    const unit = typeof char === 'string' && char.length > 0 ? char.length : 1;
    if (typeof width === 'number' && Math.abs(width) * unit > FAST_PATH_CAPS.stringChars) {
      isolate('a long padding');
    }
  },
  join: (args) => {
    checkSizes(args);
    const [items, separator] = args;
    if (!Array.isArray(items)) return;
    let total = typeof separator === 'string' ? separator.length * (items.length - 1) : 0;
    for (const item of items) total += typeof item === 'string' ? item.length : 0;
    if (total > FAST_PATH_CAPS.stringChars) isolate('a long joined string');
  },
  replace: (args) => {
    checkSizes(args);
    const [text, pattern, replacement] = args;
    if (typeof text !== 'string' || typeof replacement !== 'string') return;
    const matches = typeof pattern === 'string' ? text.length / Math.max(1, pattern.length) : 0;
    if (text.length + (matches + 1) * replacement.length > FAST_PATH_CAPS.stringChars) {
      isolate('a long replaced string');
    }
  },
  split: (args) => {
    checkSizes(args);
    const [text, separator] = args;
    if (typeof text !== 'string' || typeof separator !== 'string') return;
    if (text.length / Math.max(1, separator.length) > FAST_PATH_CAPS.items) isolate('many parts');
  },
  sort: (args) => {
    checkSizes(args);
    if (Array.isArray(args[0]) && args[0].length > FAST_PATH_CAPS.sortItems) isolate('a long sort');
  },
  distinct: (args) => {
    checkSizes(args);
    const [items] = args;
    if (!Array.isArray(items) || items.length < 2) return;
    const budget = FAST_PATH_CAPS.distinctWork / items.length;
    if (jsonLengthExceeds(items, budget)) isolate('a long $distinct');
  },
  string: checkWalked,
  clone: checkWalked,
  keys: checkWalked,
  spread: checkWalked,
  merge: checkWalked,
};

let guardedBuiltIns: Promise<ReadonlyMap<string, JsonataFunction>> | undefined;

/** The built-ins, each checking its arguments before it runs; loaded once. */
export function loadGuardedBuiltIns(): Promise<ReadonlyMap<string, JsonataFunction>> {
  guardedBuiltIns ??= (async () => {
    const guarded = new Map<string, JsonataFunction>();
    for (const name of BUILT_INS) {
      const original = (await jsonata(`$${name}`).evaluate(undefined)) as JsonataFunction;
      const check = CHECKS[name] ?? checkSizes;
      const { implementation } = original;
      guarded.set(name, {
        _jsonata_function: true,
        signature: original.signature,
        // Higher-order functions pass a callback as many arguments as it declares.
        arity: original.arity ?? implementation.length,
        implementation(this: unknown, ...args: unknown[]) {
          check(args);
          return implementation.apply(this, args);
        },
      });
    }
    return guarded;
  })();
  return guardedBuiltIns;
}

/** Strings a step returns are capped: `&` can double a string at every step without a call. */
export function checkStepResult(
  _expr: unknown,
  _input: unknown,
  _environment: unknown,
  result: unknown,
): void {
  if (typeof result === 'string' && result.length > FAST_PATH_CAPS.stringChars) {
    isolate('a long string');
  }
}

export const EVALUATE_EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit');

/** JSONata's RegexEngine in process: a regular expression may backtrack for hours. */
export class IsolatingRegexEngine {
  constructor() {
    isolate('a regular expression');
  }
}

/** True when the expression contains a regular expression literal (checked once per source). */
export function containsRegex(ast: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if ((node as { type?: unknown }).type === 'regex') return true;
    for (const value of Object.values(node)) stack.push(value);
  }
  return false;
}

/**
 * True when `value` as JSON would be longer than `limit` characters (about: numbers count 8).
 * Stops as soon as it knows, so it costs at most `limit` steps, even for values that reference
 * one large value many times.
 */
export function jsonLengthExceeds(value: unknown, limit: number): boolean {
  let length = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') length += item.length + 2;
    else if (typeof item === 'number' || typeof item === 'boolean' || item === null) length += 8;
    else if (Array.isArray(item)) {
      // Counted before the items are visited: each costs at least one character.
      length += 2 + item.length;
      if (length > limit) return true;
      for (let i = 0; i < item.length; i++) stack.push(item[i]);
    } else if (typeof item === 'object') {
      length += 2;
      for (const key in item) {
        if (!Object.hasOwn(item, key)) continue;
        length += key.length + 4;
        if (length > limit) return true;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
    if (length > limit) return true;
  }
  return false;
}
