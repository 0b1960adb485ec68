import { describe, expect, it } from 'vitest';
import { checkTemplateSyntax, isTemplate, renderTemplate, soleExpression } from './template.ts';

const scope = {
  input: { id: 42, name: 'Ada', tags: ['a', 'b'] },
  nodes: { prev: { token: 't0k' } },
  trigger: {},
};
const site = { nodeId: 'fetch', field: 'url' };

describe('templates', () => {
  it('leaves text without braces untouched', async () => {
    expect(isTemplate('https://example.com')).toBe(false);
    await expect(renderTemplate('https://example.com', scope, site)).resolves.toBe(
      'https://example.com',
    );
  });

  it('inserts strings as is, other values as JSON, and nothing for no match', async () => {
    await expect(
      renderTemplate(
        '/users/{{ $.id }}/{{$.name}}?t={{ $nodes.prev.token }}&x={{ $.missing }}',
        scope,
        site,
      ),
    ).resolves.toBe('/users/42/Ada?t=t0k&x=');
    await expect(renderTemplate('tags={{ $.tags }}', scope, site)).resolves.toBe('tags=["a","b"]');
  });

  it('allows "}}" inside an expression, as in nested object constructors', async () => {
    await expect(renderTemplate('{{ {"a": {"b": $.id}} }}', scope, site)).resolves.toBe(
      '{"a":{"b":42}}',
    );
  });

  it('reports unclosed, empty and invalid templates', () => {
    expect(checkTemplateSyntax('x {{ $.id')).toBe('"{{" at character 2 is never closed with "}}"');
    expect(checkTemplateSyntax('{{ }}')).toBe('"{{ }}" at character 0 is empty');
    expect(checkTemplateSyntax('{{ $.a[ }}')).toContain('expression at character 0: Expected "]"');
    expect(checkTemplateSyntax('{{ $.a }}')).toBeUndefined();
  });

  it('recognises a text that is a single expression', () => {
    expect(soleExpression('  {{ $.body }} ')).toBe(' $.body ');
    expect(soleExpression('{"a": {{ $.a }}}')).toBeUndefined();
    expect(soleExpression('plain')).toBeUndefined();
  });
});
