/**
 * http.request inside a run: the executor retries and parks it the way the HTTP connector
 * classifies its answers (a 4xx is final, a 503 transient, a 429 a throttle with Retry-After).
 */
import type { ServerResponse } from 'node:http';
import {
  assertValidFlow,
  type CredentialAccess,
  createFakeClock,
  createNodeTypeRegistry,
  type ExecuteFlowOptions,
  executeFlow,
  type FlowNode,
  type StepEvent,
  systemClock,
  type UpstreamGuard,
  type UpstreamOutcome,
} from '@patchbay/engine';
import { edge, fixtureTriggerNode, flowDocument, node } from '@patchbay/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuth2TokenSource } from './credentials/oauth2-client-credentials.ts';
import { createHttpRequestNode } from './http-request.ts';
import { type LocalHttpServer, startLocalHttpServer } from './test-support/local-http-server.ts';
import { startTokenServer } from './test-support/oauth-token-server.ts';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function harness() {
  const registry = createNodeTypeRegistry([
    fixtureTriggerNode,
    createHttpRequestNode({ fetch: globalThis.fetch }),
  ]);
  const events: StepEvent[] = [];
  const clock = createFakeClock(T0);
  const flow = (nodes: FlowNode[]) =>
    assertValidFlow(
      flowDocument([node('trigger', 'test.trigger'), ...nodes], [edge('trigger', 'fetch')]),
      registry,
    );
  const run = (options: Omit<ExecuteFlowOptions, 'runId' | 'onEvent'>) =>
    executeFlow({
      runId: 'run-1',
      clock,
      random: () => 0.5,
      onEvent: async (event) => {
        events.push(event);
      },
      ...options,
    });
  const of = (nodeId: string) => events.filter((event) => event.nodeId === nodeId);
  return { clock, flow, run, of };
}

/** A guard that lets every call through and records what each call reported. */
function recordingGuard() {
  const released: { target: string; outcome: UpstreamOutcome }[] = [];
  const guard: UpstreamGuard = {
    acquire: async (call) => ({ kind: 'proceed', permit: { target: call.target, probe: false } }),
    release: async (call, _permit, outcome) => {
      released.push({ target: call.target, outcome });
    },
  };
  return { guard, released };
}

let server: LocalHttpServer;
const hits = new Map<string, number>();
beforeAll(async () => {
  server = await startLocalHttpServer((request, response: ServerResponse) => {
    const path = request.url.split('?')[0] ?? '';
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (path === '/missing') return json(404, { error: 'no such order' });
    if (path === '/conflict' && hit === 1) return json(409, { error: 'locked' });
    if (path === '/busy-once' && hit === 1) return json(429, {}, { 'retry-after': '3' });
    if (path === '/flaky' && hit === 1) return json(503, { error: 'maintenance' });
    if (path === '/unimplemented') return json(501, { error: 'later' });
    if (path === '/pages') {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page'));
      return json(200, page <= 3 ? [page] : []);
    }
    if (path === '/whoami') return json(200, { authorization: request.headers.authorization });
    if (path === '/whoami-denied') {
      return json(403, { authorization: request.headers.authorization });
    }
    return json(200, { hit });
  });
});
afterAll(() => server.close());

describe('http.request in a run', () => {
  it('stops at attempt 1 on a 4xx answer, which is not transient', async () => {
    const h = harness();
    const outcome = await h.run({
      flow: h.flow([node('fetch', 'http.request', { url: `${server.baseUrl}/missing` })]),
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'HTTP_STATUS', retryable: false, details: { status: 404 } },
    });
    expect(h.of('fetch').map((event) => event.type)).toEqual(['step.started', 'step.failed']);
    expect(hits.get('/missing')).toBe(1);
  });

  it('retries a status listed in retryHttpStatuses and never one in noRetryHttpStatuses', async () => {
    const h = harness();
    const conflict = await h.run({
      clock: systemClock,
      flow: h.flow([
        {
          ...node('fetch', 'http.request', { url: `${server.baseUrl}/conflict` }),
          policy: { retry: { retryHttpStatuses: [409], initialDelayMs: 5 } },
        },
      ]),
    });
    expect(conflict).toMatchObject({ status: 'succeeded', outputs: { fetch: { status: 200 } } });

    const unimplemented = await h.run({
      flow: h.flow([
        {
          ...node('fetch', 'http.request', { url: `${server.baseUrl}/unimplemented` }),
          policy: { retry: { retryOn: 'any', noRetryHttpStatuses: [501] } },
        },
      ]),
    });
    expect(unimplemented).toMatchObject({ status: 'failed', error: { details: { status: 501 } } });
    expect(hits.get('/unimplemented')).toBe(1);
  });

  it('honours a 429 Retry-After and sends the same Idempotency-Key on the retry', async () => {
    const h = harness();
    const { guard, released } = recordingGuard();
    const flow = h.flow([node('fetch', 'http.request', { url: `${server.baseUrl}/busy-once` })]);
    const first = await h.run({ flow, guard });
    const target = `http://127.0.0.1:${server.port}`;
    expect(released).toEqual([{ target, outcome: { kind: 'throttled', retryAfterMs: 3_000 } }]);
    expect(h.of('fetch')[1]).toMatchObject({
      type: 'step.failed',
      error: { code: 'HTTP_STATUS', details: { status: 429 } },
      retry: { delayMs: 3_000, nextAttemptAt: at(3_000), nextAttempt: 2 },
    });
    expect(first.waiting?.nodes).toEqual([
      { nodeId: 'fetch', nextAttempt: 2, resumeAt: at(3_000), reason: 'throttled' },
    ]);

    h.clock.advance(3_000);
    const second = await h.run({
      flow,
      guard,
      resume: {
        completed: { trigger: { output: {}, port: null } },
        attempts: { fetch: 1 },
        waiting: first.waiting!.nodes,
      },
    });
    expect(second).toMatchObject({ status: 'succeeded', outputs: { fetch: { body: { hit: 2 } } } });
    const keys = server.requests
      .filter((request) => request.url === '/busy-once')
      .map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual(['run-1:fetch', 'run-1:fetch']);
  });

  it('retries a 503 in process on the real clock and reports it as a failure', async () => {
    const h = harness();
    const { guard, released } = recordingGuard();
    const outcome = await h.run({
      flow: h.flow([
        {
          ...node('fetch', 'http.request', { url: `${server.baseUrl}/flaky` }),
          policy: { retry: { initialDelayMs: 5 } },
        },
      ]),
      guard,
      clock: systemClock,
    });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { fetch: { status: 200 } } });
    expect(released.map((release) => release.outcome.kind)).toEqual(['failure', 'success']);
  });
});

describe('http.request paginating in a run', () => {
  it('reports each page to the shared guard as its own call', async () => {
    const h = harness();
    const { guard, released } = recordingGuard();
    const outcome = await h.run({
      flow: h.flow([
        node('fetch', 'http.request', {
          url: `${server.baseUrl}/pages`,
          pagination: { mode: 'page' },
        }),
      ]),
      guard,
    });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      outputs: { fetch: { body: [1, 2, 3], pages: 4, truncated: false } },
    });
    expect(released.map((release) => release.outcome.kind)).toEqual([
      'success',
      'success',
      'success',
      'success',
    ]);
  });
});

describe('http.request with a credential in a run', () => {
  /** A vault of one httpBearer credential, as the server's worker-side access resolves it. */
  const vault = (token: string): CredentialAccess => ({
    resolve: async (credentialId, site) => {
      expect(credentialId).toBe('cred_api');
      expect(site).toEqual({ nodeId: 'fetch', accepted: expect.arrayContaining(['httpBearer']) });
      return { type: 'httpBearer', data: { token }, secrets: [token] };
    },
    connection: () => Promise.reject(new Error('httpBearer keeps no connection')),
  });

  it('sends the token and persists no secret in step events or the run outcome', async () => {
    const h = harness();
    const events: StepEvent[] = [];
    const outcome = await executeFlow({
      runId: 'run-cred',
      clock: h.clock,
      random: () => 0.5,
      credentials: vault('tok_live_abcdef'),
      onEvent: async (event) => {
        events.push(event);
      },
      flow: h.flow([
        node('fetch', 'http.request', {
          url: `${server.baseUrl}/whoami`,
          auth: { credentialId: 'cred_api' },
        }),
      ]),
    });
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer tok_live_abcdef');
    // The upstream echoed the header; what the run keeps reads *** in its place.
    expect(outcome).toMatchObject({
      status: 'succeeded',
      outputs: { fetch: { body: { authorization: 'Bearer ***' } } },
    });
    expect(JSON.stringify(events)).not.toContain('tok_live_abcdef');
    expect(JSON.stringify(outcome)).not.toContain('tok_live_abcdef');
  });

  it('fails on an error answer without the secret in the stored error', async () => {
    const h = harness();
    const events: StepEvent[] = [];
    const outcome = await executeFlow({
      runId: 'run-cred-2',
      clock: h.clock,
      random: () => 0.5,
      credentials: vault('tok_live_ghijkl'),
      onEvent: async (event) => {
        events.push(event);
      },
      flow: h.flow([
        node('fetch', 'http.request', {
          url: `${server.baseUrl}/whoami-denied?x=1`,
          auth: { credentialId: 'cred_api' },
        }),
      ]),
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'HTTP_STATUS', details: { status: 403 } },
    });
    expect(JSON.stringify(events)).not.toContain('tok_live_ghijkl');
    expect(JSON.stringify(outcome)).not.toContain('tok_live_ghijkl');
  });
});

describe('http.request with values derived from a credential', () => {
  it('persists an OAuth 2 access token and a Basic pair as *** when an upstream echoes them', async () => {
    const tokens = await startTokenServer({ id: 'client', secret: 'client-secret-xyz' });
    try {
      const data = {
        tokenUrl: tokens.tokenUrl,
        clientId: 'client',
        clientSecret: 'client-secret-xyz',
        clientAuth: 'body' as const,
      };
      const source = createOAuth2TokenSource({ data, fetch: globalThis.fetch, clock: T0Clock() });
      const access: CredentialAccess = {
        resolve: async (credentialId) =>
          credentialId === 'cred_oauth'
            ? { type: 'oauth2ClientCredentials', data, secrets: [data.clientSecret] }
            : {
                type: 'httpBasic',
                data: { username: 'ada', password: 'basic-password-1' },
                secrets: ['basic-password-1'],
              },
        connection: async () => ({ connection: source, secrets: [data.clientSecret] }),
      };
      const h = harness();
      const events: StepEvent[] = [];
      const outcome = await executeFlow({
        runId: 'run-derived',
        clock: h.clock,
        random: () => 0.5,
        credentials: access,
        onEvent: async (event) => {
          events.push(event);
        },
        flow: assertValidFlow(
          flowDocument(
            [
              node('trigger', 'test.trigger'),
              node('oauth', 'http.request', {
                url: `${server.baseUrl}/whoami`,
                auth: { credentialId: 'cred_oauth' },
              }),
              node('basic', 'http.request', {
                url: `${server.baseUrl}/whoami`,
                auth: { credentialId: 'cred_basic' },
              }),
            ],
            [edge('trigger', 'oauth'), edge('oauth', 'basic')],
          ),
          createNodeTypeRegistry([fixtureTriggerNode, createHttpRequestNode({ fetch })]),
        ),
      });
      const token = tokens.issued.at(-1) ?? '';
      const pair = Buffer.from('ada:basic-password-1').toString('base64');
      expect(token).toMatch(/^tok-/);
      expect(outcome).toMatchObject({
        status: 'succeeded',
        outputs: {
          oauth: { body: { authorization: 'Bearer ***' } },
          basic: { body: { authorization: 'Basic ***' } },
        },
      });
      for (const value of [token, pair]) {
        expect(JSON.stringify(events)).not.toContain(value);
        expect(JSON.stringify(outcome)).not.toContain(value);
      }
    } finally {
      await tokens.close();
    }
  });
});

function T0Clock() {
  return createFakeClock(T0);
}
