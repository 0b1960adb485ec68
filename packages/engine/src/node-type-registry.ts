/** The set of node types a flow may use, and their JSON descriptions for palettes and forms. */
import { deepFreeze } from './deep-freeze.ts';
import { PatchbayError } from './errors.ts';
import { inputJsonSchema } from './input-json-schema.ts';
import type { NodeTypeDefinition, NodeTypeDescriptor } from './node-type.ts';
import { resolveNodePolicy } from './resilience/policy.ts';
import { nodePolicyJsonSchemaFor } from './resilience/policy-json-schema.ts';

export type NodeTypeRegistry = {
  get(type: string): NodeTypeDefinition | undefined;
  has(type: string): boolean;
  list(): readonly NodeTypeDefinition[];
  /** JSON-serialisable descriptors, in registration order. */
  describe(): readonly NodeTypeDescriptor[];
};

/** Fails fast on duplicate ids and on types that cannot produce a default config. */
export function createNodeTypeRegistry(types: readonly NodeTypeDefinition[]): NodeTypeRegistry {
  const byType = new Map<string, NodeTypeDefinition>();
  for (const definition of types) {
    if (byType.has(definition.type)) {
      throw new PatchbayError(
        'REGISTRY_DUPLICATE_TYPE',
        `Node type "${definition.type}" is registered twice`,
      );
    }
    byType.set(definition.type, definition);
  }
  const list = Object.freeze([...byType.values()]);
  const descriptors = Object.freeze(list.map(describeNodeType));

  return {
    get: (type) => byType.get(type),
    has: (type) => byType.has(type),
    list: () => list,
    describe: () => descriptors,
  };
}

export function describeNodeType(definition: NodeTypeDefinition): NodeTypeDescriptor {
  return deepFreeze({
    type: definition.type,
    title: definition.title,
    description: definition.description,
    category: definition.category,
    inputs: definition.inputs.map((port) => ({ ...port })),
    outputs: definition.outputs.map((port) => ({ ...port })),
    configJsonSchema: inputJsonSchema(definition.configSchema),
    defaultConfig: defaultConfigOf(definition),
    sideEffects: definition.sideEffects ?? true,
    // A copy: freezing the descriptor must not freeze arrays shared with Patchbay's defaults.
    policyDefaults: structuredClone(
      resolveNodePolicy(undefined, definition.policyDefaults, definition.retryOptions),
    ),
    policyJsonSchema: structuredClone(nodePolicyJsonSchemaFor(definition.retryOptions)),
    docs: definition.docs ?? '',
    ...(definition.icon === undefined ? {} : { icon: definition.icon }),
    ...(definition.outputExample === undefined
      ? {}
      : { outputExample: structuredClone(definition.outputExample) }),
  });
}

function defaultConfigOf(definition: NodeTypeDefinition): Record<string, unknown> {
  const declared = definition.defaultConfig;
  const parsed = definition.configSchema.safeParse(declared ?? {});
  if (parsed.success && isPlainObject(parsed.data)) return parsed.data;
  if (declared) return structuredClone(declared);
  throw new PatchbayError(
    'REGISTRY_NO_DEFAULT_CONFIG',
    `Node type "${definition.type}" rejects an empty config; declare a defaultConfig`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
