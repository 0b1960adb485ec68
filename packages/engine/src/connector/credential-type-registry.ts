/** The credential types a server knows, and their JSON descriptions for the API and forms. */
import { deepFreeze } from '../deep-freeze.ts';
import { PatchbayError } from '../errors.ts';
import { inputJsonSchema } from '../input-json-schema.ts';
import type { CredentialTypeDefinition } from './credential-type.ts';
import { uiHintOf } from './ui-hints.ts';

export type CredentialTypeDescriptor = {
  type: string;
  title: string;
  description: string;
  /** JSON Schema of the values (input side), with `x-ui` hints; secret fields have `secret: true`. */
  jsonSchema: Record<string, unknown>;
  /** Top-level fields that are secret: write-only, never returned, redacted. */
  secretFields: string[];
  /** Whether credentials.test can make a real test connection. */
  testable: boolean;
  docs: string | undefined;
};

export type CredentialTypeRegistry = {
  get(type: string): CredentialTypeDefinition | undefined;
  list(): readonly CredentialTypeDefinition[];
  describe(): readonly CredentialTypeDescriptor[];
};

export function createCredentialTypeRegistry(
  types: readonly CredentialTypeDefinition[],
): CredentialTypeRegistry {
  const byType = new Map<string, CredentialTypeDefinition>();
  for (const definition of types) {
    if (byType.has(definition.type)) {
      throw new PatchbayError(
        'REGISTRY_DUPLICATE_TYPE',
        `Credential type "${definition.type}" is registered twice`,
      );
    }
    byType.set(definition.type, definition);
  }
  const list = Object.freeze([...byType.values()]);
  const descriptors = Object.freeze(list.map(describeCredentialType));
  return { get: (type) => byType.get(type), list: () => list, describe: () => descriptors };
}

export function describeCredentialType(
  definition: CredentialTypeDefinition,
): CredentialTypeDescriptor {
  const jsonSchema = inputJsonSchema(definition.schema);
  return deepFreeze({
    type: definition.type,
    title: definition.title,
    description: definition.description,
    jsonSchema,
    secretFields: secretFieldsOf(jsonSchema),
    testable: definition.test !== undefined,
    docs: definition.docs,
  });
}

/** Top-level properties whose `x-ui` hint says `secret`. */
export function secretFieldsOf(jsonSchema: Record<string, unknown>): string[] {
  const properties = jsonSchema.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, unknown>)
    .filter(([, property]) => uiHintOf(property)?.secret === true)
    .map(([name]) => name);
}
