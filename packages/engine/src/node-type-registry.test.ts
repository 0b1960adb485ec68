import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDefaultRegistry } from './default-registry.ts';
import { defineNodeType } from './node-type.ts';
import { createNodeTypeRegistry } from './node-type-registry.ts';

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
  it('holds the four built-in types', () => {
    const registry = createDefaultRegistry();
    expect(registry.list().map((type) => type.type)).toEqual([
      'trigger.manual',
      'http.request',
      'transform.jsonata',
      'logic.if',
    ]);
    expect(registry.has('logic.if')).toBe(true);
    expect(registry.get('logic.if')?.outputs.map((port) => port.id)).toEqual(['true', 'false']);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('describes each type with an input-side JSON schema and a filled-in default config', () => {
    const http = createDefaultRegistry()
      .describe()
      .find((descriptor) => descriptor.type === 'http.request');
    expect(http?.category).toBe('action');
    expect(http?.configJsonSchema).toMatchObject({
      type: 'object',
      required: ['url'],
      properties: {
        method: {
          default: 'GET',
          enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
        },
        timeoutMs: { default: 30_000 },
      },
    });
    expect(http?.defaultConfig).toEqual({
      method: 'GET',
      url: 'https://example.com',
      headers: {},
      query: {},
      bodyType: 'none',
      body: '',
      failOnHttpError: true,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(JSON.stringify(http))).toEqual(http);
  });

  it('describes whether a type has side effects and the policy its nodes get by default', () => {
    const descriptors = new Map(
      createDefaultRegistry()
        .describe()
        .map((descriptor) => [descriptor.type, descriptor]),
    );
    const http = descriptors.get('http.request');
    expect(http?.sideEffects).toBe(true);
    expect(http?.policyDefaults).toEqual({
      retry: {
        maxAttempts: 3,
        initialDelayMs: 1_000,
        backoffFactor: 2,
        maxDelayMs: 60_000,
        jitter: 0.2,
        retryOn: 'transient',
        retryHttpStatuses: [],
        noRetryHttpStatuses: [],
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
    const transform = descriptors.get('transform.jsonata');
    expect(transform?.sideEffects).toBe(false);
    expect(transform?.policyDefaults.retry.maxAttempts).toBe(1);
    expect(transform?.policyDefaults.retry.initialDelayMs).toBe(1_000);
    expect(JSON.parse(JSON.stringify(transform))).toEqual(transform);
  });

  it('counts a type that does not say otherwise as having side effects', () => {
    const [descriptor] = createNodeTypeRegistry([typeWith('x.y', z.object({}))]).describe();
    expect(descriptor?.sideEffects).toBe(true);
    expect(descriptor?.policyDefaults.retry.maxAttempts).toBe(3);
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
