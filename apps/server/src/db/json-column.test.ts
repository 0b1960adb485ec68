import { describe, expect, it } from 'vitest';
import { Prisma } from '../generated/prisma/client.ts';
import { jsonByteLength, toJsonColumn, toJsonText, toPlainJson } from './json-column.ts';

describe('toJsonColumn', () => {
  it('stores undefined and null as JSON null', () => {
    expect(toJsonColumn(undefined)).toBe(Prisma.JsonNull);
    expect(toJsonColumn(null)).toBe(Prisma.JsonNull);
  });

  it('keeps plain JSON as it is and drops undefined properties', () => {
    expect(toJsonColumn({ a: 1, b: [true, 'x'], c: undefined })).toEqual({ a: 1, b: [true, 'x'] });
  });

  it('makes values JSONB cannot hold storable', () => {
    expect(toPlainJson({ big: 10n, text: 'a\u0000b', at: new Date(0) })).toEqual({
      big: '10',
      text: 'a\uFFFDb',
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('describes a cyclic value instead of failing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toPlainJson(cyclic)).toMatchObject({ unserializable: true });
  });
});

describe('toJsonText', () => {
  it('is plain JSON.stringify for plain values, escaped backslashes included', () => {
    const value = { text: 'C:\\u0000 is text, not NUL', emoji: '😀', n: [1, null] };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
  });

  it('makes NUL characters and unpaired surrogates storable, in keys too', () => {
    const text = toJsonText({ 'k\u0000': 'a\uD800b', nested: [{ '\uDC00': 'ok' }] });
    expect(JSON.parse(text)).toEqual({ 'k\uFFFD': 'a\uFFFDb', nested: [{ '\uFFFD': 'ok' }] });
    expect(text).not.toMatch(/\\u(0000|d[89a-f])/);
  });

  it('describes a value nested too deep to serialise', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(JSON.parse(toJsonText(deep))).toMatchObject({ unserializable: true });
  });
});

describe('jsonByteLength', () => {
  it('counts UTF-8 bytes of the serialised value', () => {
    expect(jsonByteLength('é')).toBe(4);
    expect(jsonByteLength(undefined)).toBe(0);
  });
});
