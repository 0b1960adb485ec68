import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNodeType } from './node-type.ts';
import { createNodeTypeRegistry, describeNodeType } from './node-type-registry.ts';
import {
  FIXTURE_NODE_TYPES,
  fixtureCallNode,
  fixtureTransformNode,
} from './test-support/fixture-node-types.ts';

const noop = async () => ({ output: null });
const typeWith = (
  type: string,
  configSchema: z.ZodType<unknown>,
  defaultConfig?: Record<string, unknown>,
) =>
  defineNodeType({
    type,
    title: type,
    description: '',
    category: 'action',
    configSchema,
    ...(defaultConfig ? { defaultConfig } : {}),
    inputs: [{ id: 'in', label: 'In' }],
    outputs: [{ id: 'out', label: 'Out' }],
    execute: noop,
  });

describe('node type registry', () => {
  it('looks types up by id and lists them in registration order', () => {
    const registry = createNodeTypeRegistry(FIXTURE_NODE_TYPES);
    expect(registry.list().map((type) => type.type)).toEqual([
      'test.trigger',
      'test.transform',
      'test.if',
      'test.call',
    ]);
    expect(registry.has('test.if')).toBe(true);
    expect(registry.get('test.if')?.outputs.map((port) => port.id)).toEqual(['true', 'false']);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('describes each type with an input-side JSON schema and a filled-in default config', () => {
    const call = describeNodeType(fixtureCallNode);
    expect(call.category).toBe('action');
    expect(call.configJsonSchema).toMatchObject({
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string' } },
    });
    expect(call.defaultConfig).toEqual({ url: 'https://example.com' });
    expect(JSON.parse(JSON.stringify(call))).toEqual(call);
  });

  it('describes whether a type has side effects and the policy its nodes get by default', () => {
    const call = describeNodeType(fixtureCallNode);
    expect(call.sideEffects).toBe(true);
    expect(call.policyDefaults).toEqual({
      retry: {
        maxAttempts: 3,
        initialDelayMs: 1_000,
        backoffFactor: 2,
        maxDelayMs: 60_000,
        jitter: 0.2,
        retryOn: 'transient',
        // The field the type adds through retryOptions, with its default.
        retryCodes: [],
      },
      timeoutMs: 30_000,
      expressionTimeoutMs: 2_000,
      breaker: {
        enabled: true,
        consecutiveFailures: 5,
        failureRateThreshold: 0.5,
        minimumThroughput: 20,
        windowMs: 30_000,
        openDurationMs: 30_000,
        halfOpenProbes: 1,
      },
    });
    // Pure types declare connector defaults: they are not retried unless a node asks.
    const transform = describeNodeType(fixtureTransformNode);
    expect(transform.sideEffects).toBe(false);
    expect(transform.policyDefaults.retry.maxAttempts).toBe(1);
    expect(transform.policyDefaults.retry.initialDelayMs).toBe(1_000);
    expect(transform.policyDefaults.retry).not.toHaveProperty('retryCodes');
    expect(JSON.parse(JSON.stringify(transform))).toEqual(transform);
  });

  it('gives each type the policy JSON Schema with only the retry fields it adds', () => {
    const retryOf = (schema: Record<string, unknown>) =>
      (schema.properties as Record<string, { properties: Record<string, unknown> }>).retry
        ?.properties;
    const call = retryOf(describeNodeType(fixtureCallNode).policyJsonSchema);
    expect(call).toHaveProperty('maxAttempts');
    expect(call).toMatchObject({ retryCodes: { type: 'array' } });
    const transform = retryOf(describeNodeType(fixtureTransformNode).policyJsonSchema);
    expect(transform).toHaveProperty('maxAttempts');
    expect(transform).not.toHaveProperty('retryCodes');
  });

  it('counts a type that does not say otherwise as having side effects', () => {
    const [descriptor] = createNodeTypeRegistry([typeWith('x.y', z.object({}))]).describe();
    expect(descriptor?.sideEffects).toBe(true);
    expect(descriptor?.policyDefaults.retry.maxAttempts).toBe(3);
  });

  it('describes the declared output example as a copy, and none when the type declares none', () => {
    const example = { value: { status: 200, body: { items: [] } } };
    const declared = { ...typeWith('x.declared', z.object({})), outputExample: example };
    const [withExample, without] = createNodeTypeRegistry([
      declared,
      typeWith('x.plain', z.object({})),
    ]).describe();
    expect(withExample?.outputExample).toEqual(example);
    expect(withExample?.outputExample).not.toBe(example);
    expect(without && 'outputExample' in without).toBe(false);
  });

  it('uses the schema’s parse of {} as the default config when it succeeds', () => {
    const registry = createNodeTypeRegistry([
      typeWith('x.y', z.object({ n: z.number().default(3) })),
    ]);
    expect(registry.describe()[0]?.defaultConfig).toEqual({ n: 3 });
  });

  it('refuses a type id registered twice and a type with no possible default config', () => {
    const a = typeWith('x.y', z.object({}));
    expect(() => createNodeTypeRegistry([a, a])).toThrow('Node type "x.y" is registered twice');
    expect(() => createNodeTypeRegistry([typeWith('x.z', z.object({ n: z.number() }))])).toThrow(
      /declare a defaultConfig/,
    );
  });
});
