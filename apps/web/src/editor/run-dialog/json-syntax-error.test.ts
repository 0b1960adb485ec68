import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax-error.ts';

describe('findJsonSyntaxError', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of [
      '{}',
      '[]',
      '0',
      '-1.5e3',
      '"a\\"b"',
      'null',
      ' { "a": [1, {"b": true}] } ',
    ]) {
      expect([text, findJsonSyntaxError(text)]).toEqual([text, undefined]);
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('finds the line and column of the first mistake', () => {
    expect(findJsonSyntaxError('{\n  "a": 1,\n  "b": oops\n}')).toMatchObject({
      line: 3,
      column: 8,
      reason: 'unexpected "o": expected a value',
    });
    expect(findJsonSyntaxError('{\n  "a": 1,\n}')).toMatchObject({
      line: 3,
      reason: 'expected a property name in double quotes, found "}"',
    });
    expect(findJsonSyntaxError("{ 'a': 1 }")).toMatchObject({ line: 1, column: 3 });
    expect(findJsonSyntaxError('{ "a": 1 } x')).toMatchObject({
      reason: 'unexpected "x" after the value',
    });
  });

  it('says when the text ends too early', () => {
    expect(findJsonSyntaxError('{\n  "a": [1,')).toMatchObject({
      line: 2,
      reason: 'the text ends too early: expected a value',
    });
    expect(findJsonSyntaxError('{ "a": 1')?.reason).toBe(
      "the text ends too early: expected ',' or '}'",
    );
  });
});
