import { describe, expect, it } from 'vitest';
import { formFieldsFromSchema, humanizeFieldName } from './schema-form-fields.ts';

// Shaped like zod 4's toJSONSchema({ io: 'input' }) output for http.request.
const httpRequestSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    method: { default: 'GET', type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    url: { type: 'string', format: 'uri' },
    headers: {
      default: {},
      type: 'object',
      propertyNames: { type: 'string' },
      additionalProperties: { type: 'string' },
    },
    bodyType: { default: 'none', type: 'string', enum: ['none', 'json', 'text'] },
    body: { type: 'string' },
    failOnHttpError: { default: true, type: 'boolean' },
    timeoutMs: { default: 10000, type: 'integer', minimum: 1, maximum: 300000 },
    retry: { type: 'object', properties: { attempts: { type: 'integer' } } },
  },
  required: ['url'],
  additionalProperties: false,
};

describe('formFieldsFromSchema', () => {
  const fields = formFieldsFromSchema(httpRequestSchema);
  const byName = (name: string) => fields.find((f) => f.name === name);

  it('keeps declaration order', () => {
    expect(fields.map((f) => f.name)).toEqual([
      'method',
      'url',
      'headers',
      'bodyType',
      'body',
      'failOnHttpError',
      'timeoutMs',
      'retry',
    ]);
  });

  it('maps each JSON Schema shape to the matching control', () => {
    expect(fields.map((f) => f.kind)).toEqual([
      'select',
      'text',
      'keyValue',
      'select',
      'textarea',
      'toggle',
      'number',
      'json',
    ]);
  });

  it('carries enum options, defaults, required flags and numeric bounds', () => {
    expect(byName('method')).toMatchObject({
      options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      defaultValue: 'GET',
      required: false,
    });
    expect(byName('url')).toMatchObject({ required: true, placeholder: 'https://' });
    expect(byName('timeoutMs')).toMatchObject({
      integer: true,
      minimum: 1,
      maximum: 300000,
      label: 'Timeout (ms)',
    });
  });

  it('renders expression-like strings as monospace textareas', () => {
    const [expression, condition, plain] = formFieldsFromSchema({
      type: 'object',
      properties: {
        expression: { type: 'string' },
        condition: { type: 'string', description: 'JSONata, true or false' },
        notes: { type: 'string', maxLength: 2000 },
      },
    });
    expect(expression).toMatchObject({ kind: 'textarea', monospace: true });
    expect(condition).toMatchObject({
      kind: 'textarea',
      monospace: true,
      description: 'JSONata, true or false',
    });
    expect(plain).toMatchObject({ kind: 'textarea', monospace: false });
  });

  it('sees through nullable and optional wrappers', () => {
    const [nullableText, nullableEnum, constUnion] = formFieldsFromSchema({
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        b: { type: ['string', 'null'], enum: ['x', 'y'] },
        c: { anyOf: [{ const: 'one' }, { const: 'two' }] },
      },
    });
    expect(nullableText?.kind).toBe('text');
    expect(nullableEnum?.kind).toBe('select');
    expect(constUnion).toMatchObject({ kind: 'select', options: ['one', 'two'] });
  });

  it('falls back to a JSON field for shapes it has no control for', () => {
    const [unknownValue, list] = formFieldsFromSchema({
      type: 'object',
      properties: { payload: {}, tags: { type: 'array', items: { type: 'string' } } },
    });
    expect(unknownValue?.kind).toBe('json');
    expect(list?.kind).toBe('json');
  });

  it('yields no fields for a schema without properties', () => {
    expect(formFieldsFromSchema({ type: 'object', properties: {} })).toEqual([]);
    expect(formFieldsFromSchema({})).toEqual([]);
  });
});

describe('humanizeFieldName', () => {
  it('splits camelCase, upper-cases acronyms and brackets units', () => {
    expect(humanizeFieldName('failOnHttpError')).toBe('Fail on HTTP error');
    expect(humanizeFieldName('url')).toBe('URL');
    expect(humanizeFieldName('timeoutMs')).toBe('Timeout (ms)');
    expect(humanizeFieldName('body_type')).toBe('Body type');
  });
});
