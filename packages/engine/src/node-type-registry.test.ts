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
