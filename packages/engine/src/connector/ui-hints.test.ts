import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expressionField, templateField, templateRecordField } from '../config-fields.ts';
import { inputJsonSchema } from '../input-json-schema.ts';
import { secretField, uiHint, uiHintOf } from './ui-hints.ts';

function propertyOf(schema: z.ZodType, name: string): Record<string, unknown> {
  const json = inputJsonSchema(z.object({ [name]: schema }));
  return (json.properties as Record<string, Record<string, unknown>>)[name] ?? {};
}

describe('UI hints in JSON Schemas', () => {
  it('survive refinements, defaults, descriptions and optional wrappers', () => {
    const field = z
      .string()
      .meta(uiHint({ widget: 'template', showIf: { field: 'kind', notEquals: 'none' } }))
      .superRefine(() => {})
      .default('')
      .describe('A body.')
      .optional();
    const property = propertyOf(field, 'body');
    expect(uiHintOf(property)).toEqual({
      widget: 'template',
      showIf: { field: 'kind', notEquals: 'none' },
    });
    expect(property.description).toBe('A body.');
  });

  it('come with the JSONata and template field builders', () => {
    expect(uiHintOf(propertyOf(expressionField('Expression'), 'e'))).toEqual({
      widget: 'jsonata',
    });
    expect(uiHintOf(propertyOf(templateField('URL'), 'u'))).toEqual({ widget: 'template' });
    const record = propertyOf(templateRecordField('Header'), 'h');
    expect(uiHintOf(record)).toBeUndefined();
    expect(uiHintOf(record.additionalProperties)).toEqual({ widget: 'template' });
  });

  it('mark secret fields with the secret widget', () => {
    expect(uiHintOf(propertyOf(z.string().meta(secretField()), 'token'))).toEqual({
      widget: 'secret',
      secret: true,
    });
  });

  it('read as undefined where there is none', () => {
    expect(uiHintOf({ type: 'string' })).toBeUndefined();
    expect(uiHintOf(null)).toBeUndefined();
    expect(uiHintOf({ 'x-ui': 'jsonata' })).toBeUndefined();
  });
});
