import { describe, expect, it } from 'vitest';
import {
  type FormField,
  formFieldsFromSchema,
  formSectionsFromSchema,
  humanizeFieldName,
  isFieldShown,
  readUiHint,
  requiresFieldsAt,
  schemaAt,
} from './schema-form-fields.ts';

// zod 4's toJSONSchema({ io: 'input' }) output for http.request, with its `x-ui` hints.
const httpRequestSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    method: { default: 'GET', type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    url: {
      type: 'string',
      'x-ui': { widget: 'template', placeholder: 'https://api.example.com/orders/{{ $.id }}' },
    },
    headers: {
      default: {},
      type: 'object',
      propertyNames: { type: 'string' },
      additionalProperties: { type: 'string', 'x-ui': { widget: 'template' } },
    },
    bodyType: { default: 'none', type: 'string', enum: ['none', 'json', 'text'] },
    body: {
      default: '',
      type: 'string',
      'x-ui': {
        widget: 'template',
        multiline: true,
        showIf: { field: 'bodyType', notEquals: 'none' },
      },
    },
    failOnHttpError: { default: true, type: 'boolean', 'x-ui': { advanced: true } },
    timeoutMs: {
      default: 30000,
      type: 'integer',
      minimum: 1,
      maximum: 300000,
      'x-ui': { advanced: true, unit: 'ms' },
    },
    retry: { type: 'object', properties: { attempts: { type: 'integer' } } },
  },
  required: ['url'],
  additionalProperties: false,
};

function fieldOf(properties: Record<string, unknown>, required: string[] = []): FormField {
  const [field] = formFieldsFromSchema({ type: 'object', properties, required });
  if (!field) throw new Error('no field');
  return field;
}

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

  it('takes the widget from the x-ui hint, else from the JSON Schema type', () => {
    expect(fields.map((f) => f.widget)).toEqual([
      'select',
      'template',
      'keyValue',
      'select',
      'template',
      'toggle',
      'number',
      'object',
    ]);
    expect(byName('headers')).toMatchObject({ widget: 'keyValue', valueWidget: 'template' });
    expect(byName('url')).toMatchObject({ multiline: false });
    expect(byName('body')).toMatchObject({ multiline: true });
  });

  it('carries placeholders, visibility, advanced grouping and units from the hint', () => {
    expect(byName('url')).toMatchObject({
      required: true,
      placeholder: 'https://api.example.com/orders/{{ $.id }}',
      advanced: false,
    });
    expect(byName('body')?.showIf).toEqual({ field: 'bodyType', notEquals: 'none' });
    expect(fields.filter((f) => f.advanced).map((f) => f.name)).toEqual([
      'failOnHttpError',
      'timeoutMs',
    ]);
    expect(byName('timeoutMs')).toMatchObject({
      integer: true,
      minimum: 1,
      maximum: 300000,
      label: 'Timeout (ms)',
      unit: 'ms',
    });
  });

  it('carries enum options, defaults and required flags', () => {
    expect(byName('method')).toMatchObject({
      options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      defaultValue: 'GET',
      required: false,
    });
  });

  it('never guesses a widget from a field name', () => {
    const named = formFieldsFromSchema({
      type: 'object',
      properties: {
        expression: { type: 'string' },
        condition: { type: 'string' },
        body: { type: 'string' },
        url: { type: 'string' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        timeoutMs: { type: 'integer' },
      },
    });
    expect(named.map((f) => [f.name, f.widget])).toEqual([
      ['expression', 'text'],
      ['condition', 'text'],
      ['body', 'text'],
      ['url', 'text'],
      ['headers', 'keyValue'],
      ['timeoutMs', 'number'],
    ]);
    expect(named.every((f) => !('multiline' in f) || f.multiline === false)).toBe(true);
    expect(named.find((f) => f.name === 'headers')).toMatchObject({ valueWidget: 'text' });
    expect(named.find((f) => f.name === 'timeoutMs')).toMatchObject({
      unit: undefined,
      label: 'Timeout ms',
    });
    // …and a hint works whatever the field is called.
    expect(fieldOf({ rule: { type: 'string', 'x-ui': { widget: 'jsonata' } } })).toMatchObject({
      widget: 'jsonata',
      multiline: true,
    });
  });

  it('gives a nested object with declared properties its own fields, hints included', () => {
    const signature = fieldOf({
      signature: {
        type: 'object',
        properties: {
          preset: { type: 'string', enum: ['generic', 'github'], default: 'generic' },
          credentialId: {
            type: 'string',
            'x-ui': { widget: 'credential', credentialTypes: ['hmacSecret'] },
          },
          header: { type: 'string', 'x-ui': { showIf: { field: 'preset', equals: ['generic'] } } },
        },
        required: ['preset', 'credentialId'],
      },
    });
    expect(signature).toMatchObject({ widget: 'object', required: false });
    if (signature.widget !== 'object') throw new Error('not an object field');
    expect(signature.fields.map((f) => [f.name, f.widget, f.required])).toEqual([
      ['preset', 'select', true],
      ['credentialId', 'credential', true],
      ['header', 'text', false],
    ]);
    expect(signature.fields[2]?.showIf).toEqual({ field: 'preset', equals: ['generic'] });
  });

  it('masks secrets, by widget or by the secret flag', () => {
    expect(
      fieldOf({ token: { type: 'string', 'x-ui': { widget: 'secret', secret: true } } }),
    ).toMatchObject({ widget: 'secret' });
    expect(
      fieldOf({ apiKey: { type: 'string', 'x-ui': { widget: 'text', secret: true } } }),
    ).toMatchObject({ widget: 'secret' });
  });

  it('offers a credential widget that knows where the id goes and which types it takes', () => {
    expect(
      fieldOf({
        auth: {
          type: 'object',
          properties: { credentialId: { type: 'string' } },
          required: ['credentialId'],
          'x-ui': { widget: 'credential', credentialTypes: ['httpBearer', 'httpBasic'] },
        },
      }),
    ).toMatchObject({
      widget: 'credential',
      idProperty: 'credentialId',
      credentialTypes: ['httpBearer', 'httpBasic'],
    });
    expect(
      fieldOf({ credentialId: { type: 'string', 'x-ui': { widget: 'credential' } } }),
    ).toMatchObject({ widget: 'credential', idProperty: undefined, credentialTypes: [] });
  });

  it('ignores hints that do not fit the type, or that it does not know', () => {
    expect(fieldOf({ n: { type: 'integer', 'x-ui': { widget: 'jsonata' } } }).widget).toBe(
      'number',
    );
    expect(fieldOf({ s: { type: 'string', 'x-ui': { widget: 'colour' } } }).widget).toBe('text');
    expect(readUiHint({ 'x-ui': { widget: 3, showIf: { equals: 'x' }, advanced: 'yes' } })).toEqual(
      {},
    );
  });

  it('renders any value as JSON when the hint says json', () => {
    expect(
      fieldOf({ sample: { type: 'object', additionalProperties: {}, 'x-ui': { widget: 'json' } } }),
    ).toMatchObject({ widget: 'json' });
  });

  it('makes long strings multi-line text from their maxLength', () => {
    expect(fieldOf({ notes: { type: 'string', maxLength: 2000 } })).toMatchObject({
      widget: 'text',
      multiline: true,
    });
  });

  it('sees through nullable and optional wrappers, keeping the hint', () => {
    const [nullableText, nullableEnum, constUnion, hinted] = formFieldsFromSchema({
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        b: { type: ['string', 'null'], enum: ['x', 'y'] },
        c: { anyOf: [{ const: 'one' }, { const: 'two' }] },
        d: { anyOf: [{ type: 'string' }, { type: 'null' }], 'x-ui': { widget: 'cron' } },
      },
    });
    expect(nullableText?.widget).toBe('text');
    expect(nullableEnum?.widget).toBe('select');
    expect(constUnion).toMatchObject({ widget: 'select', options: ['one', 'two'] });
    expect(hinted?.widget).toBe('cron');
  });

  it('falls back to a JSON field for shapes it has no control for', () => {
    const [unknownValue, list] = formFieldsFromSchema({
      type: 'object',
      properties: { payload: {}, tags: { type: 'array', items: { type: 'string' } } },
    });
    expect(unknownValue?.widget).toBe('json');
    expect(list?.widget).toBe('json');
  });

  it('yields no fields for a schema without properties', () => {
    expect(formFieldsFromSchema({ type: 'object', properties: {} })).toEqual([]);
    expect(formFieldsFromSchema({})).toEqual([]);
  });
});

describe('isFieldShown', () => {
  const fields = formFieldsFromSchema(httpRequestSchema);
  const body = fields.find((f) => f.name === 'body') as FormField;

  it('hides a field whose sibling has the excluded value, its default included', () => {
    expect(isFieldShown(body, {}, fields)).toBe(false);
    expect(isFieldShown(body, { bodyType: 'none' }, fields)).toBe(false);
    expect(isFieldShown(body, { bodyType: 'json' }, fields)).toBe(true);
  });

  it('shows a field only for listed values with equals', () => {
    const [mode, detail] = formFieldsFromSchema({
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['a', 'b', 'c'] },
        detail: { type: 'string', 'x-ui': { showIf: { field: 'mode', equals: ['b', 'c'] } } },
      },
    });
    const all = [mode, detail] as FormField[];
    expect(isFieldShown(detail as FormField, { mode: 'a' }, all)).toBe(false);
    expect(isFieldShown(detail as FormField, { mode: 'c' }, all)).toBe(true);
    expect(isFieldShown(mode as FormField, {}, all)).toBe(true);
  });
});

describe('humanizeFieldName', () => {
  it('splits camelCase, upper-cases acronyms and brackets the hinted unit', () => {
    expect(humanizeFieldName('failOnHttpError')).toBe('Fail on HTTP error');
    expect(humanizeFieldName('url')).toBe('URL');
    expect(humanizeFieldName('timeoutMs', 'ms')).toBe('Timeout (ms)');
    expect(humanizeFieldName('delay', 's')).toBe('Delay (s)');
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
    timeoutMs: {
      type: 'integer',
      minimum: 1,
      description: 'Per attempt.',
      'x-ui': { unit: 'ms' },
    },
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
    expect(sections[1]).toMatchObject({ label: 'Timeout (ms)' });
    expect(sections[1]?.fields[0]).toMatchObject({
      widget: 'number',
      unit: 'ms',
      description: 'Per attempt.',
    });
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
