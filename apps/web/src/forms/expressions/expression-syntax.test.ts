import { describe, expect, it } from 'vitest';
import { insertDroppedPath } from './expression-drop.ts';
import { jsonataProblems, templateExpressionAt, templateStructure } from './expression-syntax.ts';

describe('jsonataProblems', () => {
  it('underlines the offending token with JSONata’s message', () => {
    expect(jsonataProblems('$nodes..x')).toEqual([
      { from: 6, to: 8, message: 'Syntax error: ".."' },
    ]);
    const [atEnd] = jsonataProblems('$.items[');
    expect(atEnd).toMatchObject({ from: 7, to: 8, message: expect.stringContaining('"]"') });
    expect(jsonataProblems('$.items[0].price')).toEqual([]);
    expect(jsonataProblems('  ')).toEqual([]);
  });
});

describe('templateStructure', () => {
  it('finds each {{ }} part as the engine splits them, object constructors included', () => {
    const text = '/orders/{{ $.id }}?q={{ {"a": {"b": 1}} }}';
    expect(templateStructure(text)).toEqual({
      parts: [
        { from: 8, to: 18, expressionFrom: 10, expressionTo: 16 },
        { from: 21, to: text.length, expressionFrom: 23, expressionTo: text.length - 2 },
      ],
      problems: [],
    });
  });

  it('reports unclosed braces, empty parts and syntax errors at their place', () => {
    expect(templateStructure('a {{ $.x').problems).toEqual([
      { from: 2, to: 8, message: '"{{" is never closed with "}}"' },
    ]);
    expect(templateStructure('{{ }}').problems[0]?.message).toBe('"{{ }}" is empty');
    const [problem] = templateStructure('id={{ $.a + }}').problems;
    expect(problem?.from).toBeGreaterThanOrEqual(5);
    expect(problem?.message).toContain('end of expression');
  });
});

describe('templateExpressionAt', () => {
  it('knows when the cursor is inside a {{ }}', () => {
    expect(templateExpressionAt('a {{ $.x }} b', 6)).toEqual({ from: 4, source: ' $.x ' });
    expect(templateExpressionAt('a {{ $.x }} b', 12)).toBeUndefined();
    expect(templateExpressionAt('a {{ $.x', 8)).toEqual({ from: 4, source: ' $.x' });
    expect(templateExpressionAt('plain', 3)).toBeUndefined();
  });
});

describe('insertDroppedPath', () => {
  it('inserts the path in JSONata and inside {{ }}, and wraps it in {{ }} elsewhere', () => {
    expect(insertDroppedPath('jsonata', '$sum()', 5, '$.items.price')).toEqual({
      text: '$sum($.items.price)',
      cursor: 18,
    });
    expect(insertDroppedPath('template', '/orders/', 8, '$.id').text).toBe('/orders/{{ $.id }}');
    expect(insertDroppedPath('template', '{{  }}', 3, '$.id').text).toBe('{{ $.id }}');
  });
});
