import { describe, expect, it } from 'vitest';
import {
  type CredentialTypeDescriptor,
  credentialData,
  credentialFields,
} from './credential-fields.ts';

const oauth = {
  type: 'oauth2ClientCredentials',
  title: 'OAuth 2 client credentials',
  description: '',
  docs: undefined,
  testable: true,
  secretFields: ['clientSecret'],
  jsonSchema: {
    type: 'object',
    required: ['tokenUrl', 'clientId', 'clientSecret'],
    properties: {
      tokenUrl: { type: 'string', title: 'Token URL', 'x-ui': { placeholder: 'https://…' } },
      clientId: { type: 'string', title: 'Client ID' },
      clientSecret: { type: 'string', title: 'Client secret', 'x-ui': { secret: true } },
      scope: { type: 'string' },
      clientAuth: {
        type: 'string',
        enum: ['body', 'basic'],
        default: 'body',
        'x-ui': { advanced: true },
      },
    },
  },
} as unknown as CredentialTypeDescriptor;

describe('credential forms', () => {
  it('make a field per property, secret ones marked, enums as options', () => {
    const fields = credentialFields(oauth);
    expect(fields.map((field) => [field.name, field.label, field.required, field.secret])).toEqual([
      ['tokenUrl', 'Token URL', true, false],
      ['clientId', 'Client ID', true, false],
      ['clientSecret', 'Client secret', true, true],
      ['scope', 'Scope', false, false],
      ['clientAuth', 'Client auth', false, false],
    ]);
    expect(fields[4]).toMatchObject({
      options: ['body', 'basic'],
      advanced: true,
      defaultValue: 'body',
    });
    expect(fields[0]?.placeholder).toBe('https://…');
  });

  it('leave an empty secret out on edit, so the stored one is kept', () => {
    const fields = credentialFields(oauth);
    const values = { tokenUrl: 'https://a', clientId: 'c', clientSecret: '', scope: '' };
    expect(credentialData(fields, values, 'edit')).toEqual({
      tokenUrl: 'https://a',
      clientId: 'c',
    });
    expect(credentialData(fields, values, 'create')).toEqual({
      tokenUrl: 'https://a',
      clientId: 'c',
      clientSecret: '',
    });
  });
});
