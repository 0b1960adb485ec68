import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeFlow } from '../executor.ts';
import { defineNodeType } from '../node-type.ts';
import { createNodeTypeRegistry } from '../node-type-registry.ts';
import type { StepEvent } from '../step-event.ts';
import { assertValidFlow } from '../validate-flow.ts';
import { type CredentialAccess, RunSecrets } from './credential-access.ts';

describe('RunSecrets', () => {
  it('replaces every occurrence in strings and keys, longest secret first', () => {
    const secrets = new RunSecrets();
    secrets.add(['tok-123', 'tok-123-extended', 'ab']);
    expect(
      secrets.redact({ a: 'Bearer tok-123-extended', list: ['x tok-123 y'], 'tok-123': 1, n: 2 }),
    ).toEqual({ a: 'Bearer ***', list: ['x *** y'], '***': 1, n: 2 });
  });

  it('leaves short values and values without secrets alone', () => {
    const secrets = new RunSecrets();
    secrets.add(['ab']);
    const value = { a: 'ab' };
    expect(secrets.empty).toBe(true);
    expect(secrets.redact(value)).toBe(value);
  });
});

describe('ctx.credential in a run', () => {
  const trigger = defineNodeType({
    type: 'test.trigger',
    title: 'Trigger',
    description: 'Starts',
    category: 'trigger',
    configSchema: z.object({}),
    inputs: [],
    outputs: [{ id: 'out', label: 'Out' }],
    execute: async (ctx) => ({ output: ctx.input }),
  });
  const leaky = defineNodeType({
    type: 'test.leaky',
    title: 'Leaky',
    description: 'Echoes its secret',
    category: 'action',
    configSchema: z.object({ credentialId: z.string(), fail: z.boolean().default(false) }),
    defaultConfig: { credentialId: 'c1' },
    credentialTypes: ['token'],
    inputs: [{ id: 'in', label: 'In' }],
    outputs: [{ id: 'out', label: 'Out' }],
    execute: async (ctx) => {
      const config = ctx.config as { credentialId: string; fail: boolean };
      const { data } = await ctx.credential<{ token: string }>(config.credentialId);
      // A value derived from the credential at call time, as an OAuth 2 access token is.
      const derived = `derived-from-${data.token}`.split('').reverse().join('');
      ctx.redactSecrets([derived]);
      if (config.fail) throw new Error(`upstream rejected ${data.token} and ${derived}`);
      return { output: { echoed: `Bearer ${data.token}`, derived } };
    },
  });
  const registry = createNodeTypeRegistry([trigger, leaky]);
  const access: CredentialAccess = {
    resolve: async (credentialId, site) => {
      expect(site.accepted).toEqual(['token']);
      return {
        type: 'token',
        data: { token: `secret-of-${credentialId}` },
        secrets: [`secret-of-${credentialId}`],
      };
    },
    connection: () => Promise.reject(new Error('no connections')),
  };
  const flowWith = (fail: boolean) =>
    assertValidFlow(
      {
        version: 1,
        name: 'Leaks',
        nodes: [
          { id: 't', type: 'test.trigger', position: { x: 0, y: 0 }, config: {} },
          {
            id: 'l',
            type: 'test.leaky',
            position: { x: 0, y: 0 },
            config: { credentialId: 'c1', fail },
          },
        ],
        edges: [{ id: 'e', source: 't', target: 'l' }],
      },
      registry,
    );

  it('hands the node the values and persists *** in their place', async () => {
    const events: StepEvent[] = [];
    const outcome = await executeFlow({
      flow: flowWith(false),
      runId: 'r1',
      credentials: access,
      onEvent: async (event) => void events.push(event),
    });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputs.l).toEqual({ echoed: 'Bearer ***', derived: '***' });
    const succeeded = events.find(
      (event) => event.type === 'step.succeeded' && event.nodeId === 'l',
    );
    expect(succeeded).toMatchObject({ output: { echoed: 'Bearer ***', derived: '***' } });
    expect(JSON.stringify(events)).not.toContain('secret-of-c1');
    expect(JSON.stringify(events)).not.toContain('1c-fo-terces');
  });

  it('redacts the secret from a failed step and the run error', async () => {
    const events: StepEvent[] = [];
    const outcome = await executeFlow({
      flow: flowWith(true),
      runId: 'r2',
      credentials: access,
      onEvent: async (event) => void events.push(event),
    });
    expect(outcome.status).toBe('failed');
    expect(JSON.stringify(outcome)).not.toContain('secret-of-c1');
    expect(JSON.stringify(events)).not.toContain('secret-of-c1');
    expect(JSON.stringify(events)).not.toContain('1c-fo-terces');
    expect(outcome.error?.message).toBe('Node "l" failed: upstream rejected *** and ***');
  });
});
