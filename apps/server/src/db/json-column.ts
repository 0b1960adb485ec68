/**
 * Converts arbitrary runtime values (node outputs, trigger input, errors) into something a JSONB
 * column accepts. `undefined` becomes JSON null; values JSON cannot express are made explicit.
 */
import { Prisma } from '../generated/prisma/client.ts';

export type JsonColumnValue = Prisma.InputJsonValue | typeof Prisma.JsonNull;

export function toJsonColumn(value: unknown): JsonColumnValue {
  const plain = toPlainJson(value);
  return plain === null ? Prisma.JsonNull : (plain as Prisma.InputJsonValue);
}

/** A JSON-safe deep copy of `value`, as toJsonText makes it storable. */
export function toPlainJson(value: unknown): unknown {
  return JSON.parse(toJsonText(value)) as unknown;
}

/**
 * JSON text that PostgreSQL's jsonb accepts. Plain JSON is serialised once, without a replacer
 * (V8's fast path), and checked for the two escapes jsonb rejects: NUL (`\u0000`) and unpaired
 * surrogates (`\ud800`). Only a value that has them, a bigint, or a value JSON cannot express
 * takes the slow path: NUL characters become U+FFFD, surrogates are made well-formed (in keys
 * too), bigints become strings, and a value that cannot be serialised at all (a cycle, nesting
 * too deep) is described rather than dropped.
 */
export function toJsonText(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return 'null';
    if (!text.includes('\\u') || !UNSTORABLE_ESCAPE.test(text)) return text;
  } catch {
    // bigint, a cycle, or nesting too deep: the slow path below says which.
  }
  try {
    return JSON.stringify(value, storable) ?? 'null';
  } catch (error) {
    return JSON.stringify({
      unserializable: true,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

/** `\u0000` or `\ud800`–`\udfff`, not preceded by an escaped backslash (`\\u0000` is text). */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/** Text PostgreSQL can store: NUL characters replaced, unpaired surrogates made well-formed. */
export function storableText(text: string): string {
  const withoutNul = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
  return withoutNul.isWellFormed() ? withoutNul : withoutNul.toWellFormed();
}

function storable(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return storableText(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((key) => storableText(key) !== key)) {
      const copy: Record<string, unknown> = {};
      for (const key of keys) copy[storableText(key)] = (value as Record<string, unknown>)[key];
      return copy;
    }
  }
  return value;
}

/**
 * Size of a value as UTF-8 JSON, for enforcing document and input caps. A value JSON.stringify
 * cannot serialise (nested too deep) counts as what would be stored in its place; its real
 * problem is reported where it is validated.
 */
export function jsonByteLength(value: unknown): number {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = toJsonText(value);
  }
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}
