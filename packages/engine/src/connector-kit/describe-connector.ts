/**
 * `@patchbay/engine/connector-kit`: the contract test every connector package runs in its
 * `connector.test.ts`. For each node type: its config schema round-trips and has a JSON Schema,
 * the errors it throws are classified (a PatchbayError whose retry decision the author states),
 * it has docs and an icon. For each credential type: its JSON Schema, secret fields and docs.
 * Imports vitest, so only test files import this path.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectorPackage } from '../connector/connector.ts';
import type { CredentialTypeDefinition } from '../connector/credential-type.ts';
import { describeCredentialType } from '../connector/credential-type-registry.ts';
import { PatchbayError } from '../errors.ts';
import type { NodeTypeDefinition } from '../node-type.ts';
import { createNodeTypeRegistry, describeNodeType } from '../node-type-registry.ts';
import { resolveNodePolicy } from '../resilience/policy.ts';
import { isRetryable } from '../resilience/retry-classification.ts';
import { type NodeRunOptions, runNodeType } from '../test-support/node-context.ts';

/** A run of one node that must fail, and how its error must be classified. */
export type FailingExample = {
  /** What the example shows, e.g. "a templated URL that renders to no URL". */
  name: string;
  /** Raw config: it must pass the type's schema (the failure happens when the node runs). */
  config: Record<string, unknown>;
  /** Context of the run: input, nodes, trigger, signal, clock… (see runNodeType). */
  run?: NodeRunOptions;
  /** The error's code. */
  code: string;
  /**
   * Whether it is retried under the node type's default policy when attempts are left: the
   * connector's classification, stated (pure types default to one attempt; this is the class).
   */
  retried: boolean;
};

export type ConnectorKitOptions = {
  /**
   * Per node type id, runs that must fail. Every node type needs at least one, or an entry in
   * `cannotFail` saying why it cannot (a manual trigger outputs its input).
   */
  failingExamples?: Readonly<Record<string, readonly FailingExample[]>>;
  cannotFail?: Readonly<Record<string, string>>;
  /** Per node type id, extra configs that must round-trip (beyond the default config). */
  configExamples?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
};

const TYPE_ID = /^[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
/** A field named like a secret must be marked secret (write-only, redacted). */
const SECRET_NAME = /(token|password|secret)$/i;

export function describeConnector(
  connector: ConnectorPackage,
  options: ConnectorKitOptions = {},
): void {
  describe(`connector ${connector.name}`, () => {
    it('has a name, a title, a description and an SVG icon', () => {
      expect(connector.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(connector.title.trim()).not.toBe('');
      expect(connector.description.trim()).not.toBe('');
      expectSvgIcon(connector.icon);
    });

    it('has node types and credential types a registry accepts', () => {
      expect(() => createNodeTypeRegistry(connector.nodeTypes)).not.toThrow();
      const ids = connector.credentialTypes.map((type) => type.type);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('names a failing example (or why there is none) for every node type, and no other', () => {
      const types = new Set(connector.nodeTypes.map((type) => type.type));
      for (const type of Object.keys(options.failingExamples ?? {})) expect(types).toContain(type);
      for (const type of Object.keys(options.cannotFail ?? {})) expect(types).toContain(type);
    });

    for (const definition of connector.nodeTypes) {
      describeNodeTypeContract(connector, definition, options);
    }
    for (const definition of connector.credentialTypes) {
      describeCredentialTypeContract(definition);
    }
  });
}

function describeNodeTypeContract(
  connector: ConnectorPackage,
  definition: NodeTypeDefinition,
  options: ConnectorKitOptions,
): void {
  describe(`node type ${definition.type}`, () => {
    it('declares an id, a title, a description and ports with unique ids', () => {
      expect(definition.type).toMatch(TYPE_ID);
      expect(definition.title.trim()).not.toBe('');
      expect(definition.description.trim()).not.toBe('');
      for (const ports of [definition.inputs, definition.outputs]) {
        const ids = ports.map((port) => port.id);
        expect(new Set(ids).size).toBe(ids.length);
      }
      if (definition.category === 'trigger') expect(definition.inputs).toEqual([]);
    });

    it('has a config schema that round-trips and a JSON Schema for its forms', () => {
      const descriptor = describeNodeType(definition);
      const schema = definition.configSchema;
      const configs = [
        descriptor.defaultConfig,
        ...(options.configExamples?.[definition.type] ?? []),
      ];
      for (const config of configs) {
        const once = schema.parse(config);
        expect(schema.parse(once)).toEqual(once);
        // What is stored is JSON: the parsed config survives serialisation unchanged.
        expect(JSON.parse(JSON.stringify(once))).toEqual(once);
      }
      expect(descriptor.configJsonSchema).toMatchObject({ type: 'object' });
      expect(JSON.parse(JSON.stringify(descriptor))).toEqual(descriptor);
    });

    const outputExample = definition.outputExample;
    if (outputExample) {
      it('declares an output example the editor can read', () => {
        const descriptor = describeNodeType(definition);
        if ('configField' in outputExample) {
          const properties = (descriptor.configJsonSchema.properties ?? {}) as object;
          expect(
            Object.keys(properties),
            'outputExample.configField names a config field',
          ).toContain(outputExample.configField);
        } else if ('input' in outputExample) {
          expect(
            definition.inputs.length,
            'a node that passes its input on has an input',
          ).toBeGreaterThan(0);
        } else {
          expect(JSON.parse(JSON.stringify(outputExample.value))).toEqual(outputExample.value);
        }
      });
    }

    it('has docs', () => {
      expect(definition.docs?.trim() ?? '', 'docs: markdown for the generated docs page').not.toBe(
        '',
      );
    });

    it('has an icon, its own or its connector’s', () => {
      expectSvgIcon(definition.icon ?? connector.icon);
    });

    const examples = options.failingExamples?.[definition.type] ?? [];
    const reason = options.cannotFail?.[definition.type];
    if (examples.length === 0) {
      it('cannot fail, and says why', () => {
        expect(
          reason?.trim() ?? '',
          `give ${definition.type} a failing example (failingExamples) or a reason in cannotFail`,
        ).not.toBe('');
      });
    }
    for (const example of examples) {
      it(`classifies its error: ${example.name}`, async () => {
        const config = definition.configSchema.safeParse(example.config);
        expect(config.success, 'the example config must pass the schema').toBe(true);
        let thrown: unknown;
        try {
          await runNodeType(definition, example.config, example.run);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, 'a connector throws PatchbayErrors, never plain errors').toBeInstanceOf(
          PatchbayError,
        );
        const error = thrown as PatchbayError;
        expect(error.code).toMatch(ERROR_CODE);
        expect(error.code).toBe(example.code);
        expect(error.message.trim()).not.toBe('');
        expect(typeof error.retryable).toBe('boolean');
        expect(error.retryable && error.nonRetryable).toBe(false);
        const policy = resolveNodePolicy(
          undefined,
          definition.policyDefaults,
          definition.retryOptions,
        );
        const retried = isRetryable(error, policy.retry, definition.retryOptions?.classify);
        expect(retried, `whether ${error.code} is retried by default`).toBe(example.retried);
        // The serialized error (what a run stores) keeps the decision.
        expect(JSON.parse(JSON.stringify(error.toJSON()))).toMatchObject({
          code: error.code,
          retryable: error.retryable,
        });
      });
    }
  });
}

function describeCredentialTypeContract(definition: CredentialTypeDefinition): void {
  describe(`credential type ${definition.type}`, () => {
    it('has a JSON Schema with its secret fields marked', () => {
      const descriptor = describeCredentialType(definition);
      expect(definition.type).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(definition.title.trim()).not.toBe('');
      expect(descriptor.jsonSchema).toMatchObject({ type: 'object' });
      const properties = Object.keys(
        (descriptor.jsonSchema.properties as Record<string, unknown> | undefined) ?? {},
      );
      const namedSecret = properties.filter((name) => SECRET_NAME.test(name));
      for (const name of namedSecret) {
        expect(descriptor.secretFields, `field "${name}" must carry secretField()`).toContain(name);
      }
      expect(JSON.parse(JSON.stringify(descriptor))).toEqual(descriptor);
    });

    it('has docs', () => {
      expect(definition.docs?.trim() ?? '').not.toBe('');
    });
  });
}

function expectSvgIcon(icon: string | undefined): void {
  expect(icon ?? '').toMatch(/^<svg[\s>]/);
  expect(icon).toContain('viewBox="0 0 24 24"');
  expect(icon).toMatch(/<\/svg>$/);
}
