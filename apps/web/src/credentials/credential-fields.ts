/**
 * A credential type's JSON Schema (credentials.types) as form fields: text, a select for enums,
 * or a write-only password input for secret fields (`x-ui.secret`). Pure, so it is unit-tested.
 */
import type { RouterOutputs } from '../api/types.ts';
import { humanizeFieldName, unwrapSchema } from '../forms/schema-form-fields.ts';

export type CredentialTypeDescriptor = RouterOutputs['credentials']['types'][number];
export type CredentialView = RouterOutputs['credentials']['list'][number];

export type CredentialField = {
  name: string;
  label: string;
  description: string | undefined;
  placeholder: string | undefined;
  required: boolean;
  secret: boolean;
  advanced: boolean;
  /** Set for enums: the values a select offers. */
  options: string[] | undefined;
  defaultValue: string | undefined;
};

type JsonSchema = Record<string, unknown>;

export function credentialFields(descriptor: CredentialTypeDescriptor): CredentialField[] {
  const schema = descriptor.jsonSchema as JsonSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const secret = new Set(descriptor.secretFields);
  return Object.entries(properties).map(([name, raw]) => {
    const property = unwrapSchema(raw);
    const hint = (property['x-ui'] ?? {}) as { placeholder?: string; advanced?: boolean };
    const options = Array.isArray(property.enum)
      ? property.enum.filter((value): value is string => typeof value === 'string')
      : undefined;
    return {
      name,
      label: typeof property.title === 'string' ? property.title : humanizeFieldName(name),
      description: typeof property.description === 'string' ? property.description : undefined,
      placeholder: hint.placeholder,
      required: required.has(name) && property.default === undefined,
      secret: secret.has(name),
      advanced: hint.advanced === true,
      options,
      defaultValue: typeof property.default === 'string' ? property.default : undefined,
    };
  });
}

/**
 * What create/update send: non-empty values only. A secret left empty on edit is left out, so
 * the server keeps the stored one; on create it is sent empty for the server to name.
 */
export function credentialData(
  fields: readonly CredentialField[],
  values: Record<string, string>,
  mode: 'create' | 'edit',
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? '';
    if (value === '') {
      if (field.secret && mode === 'create' && field.required) data[field.name] = '';
      continue;
    }
    data[field.name] = value;
  }
  return data;
}
