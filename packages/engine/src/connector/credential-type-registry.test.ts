import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCredentialType } from './credential-type.ts';
import { createCredentialTypeRegistry } from './credential-type-registry.ts';
import { secretField } from './ui-hints.ts';

describe('credential type registry', () => {
  const basic = defineCredentialType({
    type: 'basic',
    title: 'Basic',
    description: 'User and password',
    schema: z.strictObject({ username: z.string(), password: z.string().meta(secretField()) }),
  });

  it('marks secret fields from the schema metadata', () => {
    const [descriptor] = createCredentialTypeRegistry([basic]).describe();
    expect(descriptor?.secretFields).toEqual(['password']);
    expect(descriptor?.testable).toBe(false);
    expect(descriptor?.jsonSchema).toMatchObject({
      properties: { password: { 'x-ui': { secret: true, widget: 'secret' } } },
    });
  });

  it('refuses a type registered twice', () => {
    expect(() => createCredentialTypeRegistry([basic, basic])).toThrow(/registered twice/);
  });
});
