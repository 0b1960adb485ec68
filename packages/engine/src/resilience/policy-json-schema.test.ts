import { describe, expect, it } from 'vitest';
import { FLOW_SETTINGS_JSON_SCHEMA, NODE_POLICY_JSON_SCHEMA } from './policy-json-schema.ts';

describe('policy JSON Schemas', () => {
  it('describes node.policy with every section optional and a rate limit needing limit and period', () => {
    expect(NODE_POLICY_JSON_SCHEMA).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        retry: {
          type: 'object',
          properties: {
            maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
            retryOn: { enum: ['transient', 'any', 'none'] },
          },
        },
        timeoutMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
        breaker: { type: 'object', properties: { enabled: { type: 'boolean' } } },
        rateLimit: {
          type: 'object',
          required: ['limit', 'periodMs'],
          // Input side: defaults are shown, so a form can offer them as placeholders.
          properties: { burst: { default: 1 }, maxWaitMs: { default: 300_000 } },
        },
        target: { type: 'string', minLength: 1, maxLength: 300 },
      },
    });
    expect(NODE_POLICY_JSON_SCHEMA).not.toHaveProperty('required');
    const retry = (NODE_POLICY_JSON_SCHEMA.properties as Record<string, Record<string, unknown>>)
      .retry;
    expect(retry).not.toHaveProperty('required');
  });

  it('carries the field descriptions people read in the editor', () => {
    expect(NODE_POLICY_JSON_SCHEMA).toMatchObject({
      properties: {
        retry: {
          properties: {
            maxAttempts: {
              description: 'Attempts in total, the first included; 1 never retries.',
            },
          },
        },
      },
    });
  });

  it('describes flow settings, all optional', () => {
    expect(FLOW_SETTINGS_JSON_SCHEMA).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        maxConcurrentRuns: { type: 'integer', minimum: 1, maximum: 10_000 },
        maxQueuedRuns: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        runTimeoutMs: { type: 'integer', minimum: 1, maximum: 604_800_000 },
        maxRunsKept: { type: 'integer', minimum: 1, maximum: 10_000_000 },
      },
    });
    expect(FLOW_SETTINGS_JSON_SCHEMA).not.toHaveProperty('required');
  });

  it('is frozen plain JSON, shared safely by every caller', () => {
    expect(Object.isFrozen(NODE_POLICY_JSON_SCHEMA.properties)).toBe(true);
    expect(JSON.parse(JSON.stringify(NODE_POLICY_JSON_SCHEMA))).toEqual(NODE_POLICY_JSON_SCHEMA);
  });
});
