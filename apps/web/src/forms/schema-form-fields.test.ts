import { describe, expect, it } from 'vitest';
import {
  fieldUnit,
  formFieldsFromSchema,
  formSectionsFromSchema,
  humanizeFieldName,
  requiresFieldsAt,
  schemaAt,
} from './schema-form-fields.ts';

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
      unit: 'ms',
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

// Shaped like zod 4's toJSONSchema({ io: 'input' }) output for node.policy, trimmed.
const policySchema = {
  type: 'object',
  properties: {
    retry: {
      type: 'object',
      description: 'How failures are retried.',
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
        retryOn: { type: 'string', enum: ['transient', 'any', 'none'] },
      },
      additionalProperties: false,
    },
    timeoutMs: { type: 'integer', minimum: 1, description: 'Per attempt.' },
    rateLimit: {
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1 },
        periodMs: { type: 'integer', minimum: 1 },
        burst: { default: 1, type: 'integer', minimum: 1 },
      },
      required: ['limit', 'periodMs'],
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

describe('formSectionsFromSchema', () => {
  const sections = formSectionsFromSchema(policySchema);

  it('makes each nested object a section of its fields, and any other value a section of one', () => {
    expect(sections.map((s) => [s.name, s.nested, s.fields.map((f) => f.name)])).toEqual([
      ['retry', true, ['maxAttempts', 'retryOn']],
      ['timeoutMs', false, ['timeoutMs']],
      ['rateLimit', true, ['limit', 'periodMs', 'burst']],
    ]);
    expect(sections[0]).toMatchObject({ label: 'Retry', description: 'How failures are retried.' });
    // A single field keeps its description on the field, not on the section.
    expect(sections[1]?.description).toBeUndefined();
    expect(sections[1]?.fields[0]).toMatchObject({ kind: 'number', description: 'Per attempt.' });
  });

  it('marks sections with required fields as opt-in, with their fields required', () => {
    expect(sections.map((s) => s.optIn)).toEqual([false, false, true]);
    expect(sections[2]?.fields.map((f) => f.required)).toEqual([true, true, false]);
    expect(sections[2]?.fields[2]?.defaultValue).toBe(1);
  });
});

describe('schemaAt and requiresFieldsAt', () => {
  it('find the schema of a nested value and whether `{}` there is incomplete', () => {
    expect(schemaAt(policySchema, ['retry', 'maxAttempts'])).toMatchObject({ type: 'integer' });
    expect(schemaAt(policySchema, ['breaker'])).toBeUndefined();
    expect(requiresFieldsAt(policySchema, ['rateLimit'])).toBe(true);
    expect(requiresFieldsAt(policySchema, ['retry'])).toBe(false);
    expect(requiresFieldsAt(policySchema, [])).toBe(false);
  });
});

describe('fieldUnit', () => {
  it('reads the unit off the end of a field name', () => {
    expect(fieldUnit('initialDelayMs')).toBe('ms');
    expect(fieldUnit('maxAttempts')).toBeUndefined();
    expect(fieldUnit('ms')).toBeUndefined();
  });
});
