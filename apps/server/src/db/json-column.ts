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

/**
 * A JSON-safe deep copy: bigint becomes a string, NUL characters (which Postgres rejects in JSONB)
 * are replaced, and a value that cannot be serialised (a cycle) is described rather than dropped.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'string' && v.includes('\u0000')) return v.replaceAll('\u0000', '\uFFFD');
      return v;
    });
    return text === undefined ? null : (JSON.parse(text) as unknown);
  } catch (error) {
    return {
      unserializable: true,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Size of a value as UTF-8 JSON, for enforcing document and input caps. */
export function jsonByteLength(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}
