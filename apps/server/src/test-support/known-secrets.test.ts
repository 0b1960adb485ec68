import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkedCaller, inspectResponses, rememberSecret, takeLeaks } from './known-secrets.ts';

describe('the known-secrets check', () => {
  it('catches a response that carries a remembered secret, and only that one', async () => {
    rememberSecret('leaky-secret-value-1');
    const app = Fastify();
    inspectResponses(app);
    app.get('/leak', async () => ({ echoed: 'x leaky-secret-value-1 y' }));
    app.get('/fine', async () => ({ echoed: 'nothing to see' }));
    try {
      expect((await app.inject({ url: '/fine' })).statusCode).toBe(200);
      const leaked = await app.inject({ url: '/leak' });
      expect(leaked.statusCode).toBe(500);
      expect(takeLeaks()).toEqual([
        'The response to GET /leak contains the secret value of a credential (le…)',
      ]);
    } finally {
      await app.close();
    }
  });

  it('checks the results of an in-process caller', async () => {
    rememberSecret('caller-secret-value-2');
    const caller = checkedCaller({ things: { get: async () => ({ v: 'caller-secret-value-2' }) } });
    await expect(caller.things.get()).rejects.toThrow(/caller\.things\.get contains the secret/);
    expect(takeLeaks()).toHaveLength(1);
  });
});
