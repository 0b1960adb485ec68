import { describe, expect, it } from 'vitest';
import { findJsonProblems, formatJsonPath, MAX_JSON_DEPTH } from './json-limits.ts';

/** An array nested `levels` deep: [[[…]]]. */
function nested(levels: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe('findJsonProblems', () => {
  it('accepts plain JSON, nesting up to the limit and well-formed Unicode', () => {
    expect(findJsonProblems({ a: [1, 'text', null, { 'ü 😀': true }] })).toEqual([]);
    expect(findJsonProblems(nested(MAX_JSON_DEPTH))).toEqual([]);
  });

  it('reports nesting one level past the limit at the first level too deep', () => {
    const [problem, ...rest] = findJsonProblems({ a: nested(MAX_JSON_DEPTH) });
    expect(rest).toEqual([]);
    expect(problem?.kind).toBe('too_deep');
    expect(problem?.path).toEqual(['a', ...new Array(MAX_JSON_DEPTH - 1).fill(0)]);
  });

  it('walks a value nested 300,000 levels without overflowing the stack', () => {
    const problems = findJsonProblems(JSON.parse(`${'['.repeat(3e5)}${']'.repeat(3e5)}`));
    expect(problems.map((problem) => problem.kind)).toEqual(['too_deep']);
  });

  it('counts from the wrapper’s fields when the root is level 0', () => {
    expect(findJsonProblems({ document: nested(MAX_JSON_DEPTH) }, { rootLevel: 0 })).toEqual([]);
    expect(findJsonProblems({ document: nested(MAX_JSON_DEPTH + 1) }, { rootLevel: 0 })).toEqual([
      expect.objectContaining({ kind: 'too_deep' }),
    ]);
  });

  it('finds NUL characters and unpaired surrogates in values and in keys', () => {
    expect(
      findJsonProblems({
        list: ['ok', 'a\u0000b'],
        nested: { text: 'x\uD800' },
        'key\u0000': 1,
        '\uDC00': 2,
      }),
    ).toEqual([
      { kind: 'nul', path: ['key\u0000'], inKey: true },
      { kind: 'lone_surrogate', path: ['\uDC00'], inKey: true },
      { kind: 'nul', path: ['list', 1], inKey: false },
      { kind: 'lone_surrogate', path: ['nested', 'text'], inKey: false },
    ]);
  });

  it('stops at the limit', () => {
    expect(findJsonProblems(new Array(100).fill('\u0000'), { limit: 3 })).toHaveLength(3);
  });
});

describe('formatJsonPath', () => {
  it('reads like code, quoting keys that are not identifiers as JSON', () => {
    expect(formatJsonPath(['document', 'nodes', 2, 'config', 'expression'], 'input')).toBe(
      'input.document.nodes[2].config.expression',
    );
    expect(formatJsonPath(['headers', 'x-key\u0000'])).toBe('headers["x-key\\u0000"]');
  });
});
