import { describe, expect, it } from 'vitest';
import { configSummary } from './config-summary.ts';

const httpSchema = {
  type: 'object',
  properties: {
    method: { type: 'string', enum: ['GET', 'POST'], default: 'GET' },
    url: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    timeoutMs: { type: 'integer' },
  },
};

describe('configSummary', () => {
  it('joins the first string-like fields, falling back to schema defaults', () => {
    expect(configSummary(httpSchema, { url: 'https://api.test/ping' })).toBe(
      'GET https://api.test/ping',
    );
    expect(configSummary(httpSchema, { method: 'POST', url: 'x' })).toBe('POST x');
  });

  it('summarises only the leading fields, so an empty URL never pulls in later ones', () => {
    const schema = {
      type: 'object',
      properties: {
        ...httpSchema.properties,
        bodyType: { type: 'string', enum: ['none', 'json'], default: 'none' },
      },
    };
    expect(configSummary(schema, { url: '' })).toBe('GET');
  });

  it('collapses multi-line expressions onto one line', () => {
    const schema = { type: 'object', properties: { expression: { type: 'string' } } };
    expect(configSummary(schema, { expression: '{\n  "a": $.b\n}' })).toBe('{ "a": $.b }');
  });

  it('never shows secrets or advanced fields on the card', () => {
    const schema = {
      type: 'object',
      properties: {
        token: { type: 'string', 'x-ui': { widget: 'secret', secret: true } },
        region: { type: 'string', 'x-ui': { advanced: true } },
        expression: { type: 'string', 'x-ui': { widget: 'jsonata' } },
      },
    };
    expect(configSummary(schema, { token: 's3cret', region: 'eu', expression: '$.a' })).toBe('$.a');
  });

  it('is empty for nodes without summarisable config', () => {
    expect(configSummary({ type: 'object', properties: {} }, {})).toBe('');
    expect(configSummary(undefined, { a: 1 })).toBe('');
  });
});
