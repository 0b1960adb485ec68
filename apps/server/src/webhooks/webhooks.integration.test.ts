import { createHmac } from 'node:crypto';
import type { FlowDocument } from '@patchbay/engine';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunCompletions } from '../runs/run-completions.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import {
  startTestApp,
  TEST_WORKER_CONFIG,
  type TestApp,
  waitForRun,
} from '../test-support/test-app.ts';
import { startWorkerProcess } from '../worker/worker-process.ts';
import { isSyncWebhookFlow } from './webhook-endpoint.ts';
import type { SecretReader, StoredCredential } from './webhook-secrets.ts';

/** Signing secrets by credential id, as the vault would decrypt them. */
const credentials = new Map<string, StoredCredential>([
  ['cred-hmac', { type: 'hmacSecret', data: { secret: 'whsec_integration_secret' } }],
  ['cred-bearer', { type: 'httpBearer', data: { token: 'not-an-hmac' } }],
]);
const secrets: SecretReader = { read: async (id) => credentials.get(id) };
const SECRET = 'whsec_integration_secret';

type Node = { id: string; type: string; config: Record<string, unknown> };

function webhookFlow(
  name: string,
  webhook: Record<string, unknown>,
  rest: Node[] = [],
): FlowDocument {
  const nodes: Node[] = [{ id: 'hook', type: 'trigger.webhook', config: webhook }, ...rest];
  return {
    version: 1,
    name,
    nodes: nodes.map((node, i) => ({ ...node, position: { x: 200 * i, y: 0 } })),
    edges: nodes
      .slice(1)
      .map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: node.id })),
  } as FlowDocument;
}

const transform = (id: string, expression: string): Node => ({
  id,
  type: 'transform.jsonata',
  config: { expression },
});

describe('webhooks', () => {
  let t: TestApp;
  let upstream: ScriptedUpstream;
  let db: pg.Pool;

  beforeAll(async () => {
    t = await startTestApp({ secrets, webhookMaxBytes: 64 * 1024 });
    upstream = await startScriptedUpstream();
    db = new pg.Pool({ connectionString: t.database.url, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await upstream?.close();
    await t?.close();
  });

  async function createFlow(document: FlowDocument, active = true): Promise<string> {
    const flow = await t.client.flows.create.mutate({ name: document.name, document });
    if (active) await setActive(flow.id, true);
    return flow.id;
  }

  async function setActive(flowId: string, active: boolean): Promise<void> {
    await t.client.flows.setActive.mutate({ id: flowId, active });
    // The trigger manager hears of it through NOTIFY; this process must see it now.
    await t.services.triggers.refresh(flowId);
  }

  function post(key: string, body: string, headers: Record<string, string> = {}, method = 'POST') {
    return fetch(`${t.baseUrl}/hooks/${key}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'GET' ? {} : { body }),
    });
  }

  async function counts(flowId: string) {
    const runs = await db.query<{ count: string }>('SELECT count(*) FROM runs WHERE flow_id = $1', [
      flowId,
    ]);
    const jobs = await db.query<{ count: string }>('SELECT count(*) FROM graphile_worker.jobs');
    return { runs: Number(runs.rows[0]!.count), jobs: Number(jobs.rows[0]!.count) };
  }

  const hex = (text: string, algorithm = 'sha256') =>
    createHmac(algorithm, SECRET).update(text).digest('hex');

  it('async: starts a run whose trigger output is the request, and answers 202', async () => {
    const flowId = await createFlow(
      webhookFlow('Async hook', {}, [transform('double', '{ "n": body.n * 2, "q": query.tag }')]),
    );
    const response = await post(`${flowId}?tag=a&tag=b`, JSON.stringify({ n: 21 }), {
      'X-Custom': 'Yes',
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { runId: string; deduplicated: boolean };
    expect(body).toEqual({ runId: expect.any(String), deduplicated: false });
    expect(response.headers.get('x-patchbay-run-id')).toBe(body.runId);
    const run = await waitForRun(t.client, body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.trigger).toBe('webhook');
    expect(run.input).toMatchObject({
      method: 'POST',
      path: flowId,
      headers: { 'x-custom': 'Yes', 'content-type': 'application/json' },
      query: { tag: ['a', 'b'] },
      body: { n: 21 },
    });
    const double = run.steps.find((step) => step.nodeId === 'double');
    expect(double?.output).toEqual({ n: 42, q: ['a', 'b'] });
  });

  it('parses forms and text, serves the path, and refuses another method with 405', async () => {
    const flowId = await createFlow(
      webhookFlow('Path hook', { path: 'orders-in', method: 'PUT', responseMode: 'sync' }, [
        transform('echo', 'body'),
      ]),
    );
    const form = await fetch(`${t.baseUrl}/hooks/orders-in`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=x&b=y',
    });
    expect(form.status).toBe(200);
    expect(await form.json()).toEqual({ a: '1', b: ['x', 'y'] });
    const text = await fetch(`${t.baseUrl}/hooks/orders-in`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(await text.json()).toBe('hello');

    const wrong = await post('orders-in', '{}');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('PUT');
    expect(await wrong.json()).toEqual({
      error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining('field method') },
    });
    expect((await counts(flowId)).runs).toBe(2);
  });

  it('answers 404 for inactive, unknown and deleted flows, and serves a flow once switched on', async () => {
    const flowId = await createFlow(webhookFlow('Off hook', { path: 'off-hook' }), false);
    for (const key of [
      flowId,
      'off-hook',
      'no-such-hook',
      '00000000-0000-4000-8000-000000000000',
    ]) {
      const response = await post(key, '{}');
      expect(response.status, key).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'WEBHOOK_NOT_FOUND' } });
    }
    await setActive(flowId, true);
    expect((await post('off-hook', '{}')).status).toBe(202);
    await setActive(flowId, false);
    expect((await post('off-hook', '{}')).status).toBe(404);
    expect((await counts(flowId)).runs).toBe(1);
  });

  it('a path is unique across active flows: activating or saving a second one fails, naming flow, node and field', async () => {
    const first = await createFlow(webhookFlow('First owner', { path: 'shared-path' }));
    const second = await createFlow(webhookFlow('Second', { path: 'shared-path' }), false);
    const activation = await t.client.flows.setActive.mutate({ id: second, active: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(activation).toMatchObject({
      message: expect.stringContaining('"First owner"'),
      data: {
        code: 'BAD_REQUEST',
        issues: [
          {
            nodeId: 'hook',
            path: ['path'],
            message: expect.stringContaining('Webhook path "shared-path" is already used'),
          },
        ],
      },
    });
    // A third flow, active with another path, cannot be saved with the taken one either.
    const third = await createFlow(webhookFlow('Third', { path: 'other-path' }));
    const save = await t.client.flows.update
      .mutate({ id: third, document: webhookFlow('Third', { path: 'shared-path' }) })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(save).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    expect(String((save as Error).message)).toContain('"First owner"');
    // Once the first is off, the second may take the path.
    await setActive(first, false);
    await setActive(second, true);
    expect((await post('shared-path', '{}')).status).toBe(202);
    expect((await counts(second)).runs).toBe(1);
  });

  it('listen for test event: the next request to an inactive flow is captured, answered 200, and starts no run', async () => {
    const flowId = await createFlow(webhookFlow('Listening', { path: 'listen-here' }), false);
    const listening = t.client.webhooks.listen.mutate({ flowId });
    // The capture is registered once the call reached the server.
    await vi.waitFor(() => expect(t.services.webhooks.captures.has('listen-here')).toBe(true));
    const response = await post('listen-here?x=1', '{"sample":true}', { 'x-test': 'yes' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ captured: true });
    expect(await listening).toEqual({
      captured: {
        receivedAt: expect.any(String),
        input: {
          method: 'POST',
          path: 'listen-here',
          headers: expect.objectContaining({ 'x-test': 'yes' }),
          query: { x: '1' },
          body: { sample: true },
        },
      },
    });
    expect((await counts(flowId)).runs).toBe(0);
    // Only the next one: after it, the flow is inactive again as far as requests go.
    expect((await post('listen-here', '{}')).status).toBe(404);
  });

  describe('signatures, end to end', () => {
    const body = JSON.stringify({ id: 'evt_1', total: 12.5 });
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, unknown>, () => Record<string, string>][] = [
      ['github', { preset: 'github' }, () => ({ 'x-hub-signature-256': `sha256=${hex(body)}` })],
      [
        'stripe',
        { preset: 'stripe' },
        () => {
          const ts = now();
          return { 'stripe-signature': `t=${ts},v1=${hex(`${ts}.${body}`)}` };
        },
      ],
      [
        'slack',
        { preset: 'slack' },
        () => {
          const ts = now();
          return {
            'x-slack-signature': `v0=${hex(`v0:${ts}:${body}`)}`,
            'x-slack-request-timestamp': String(ts),
          };
        },
      ],
      [
        'shopify',
        { preset: 'shopify' },
        () => ({
          'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64'),
        }),
      ],
      [
        'generic',
        { header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', prefix: 'v=' },
        () => ({
          'x-sig': `v=${createHmac('sha512', SECRET).update(body).digest('base64')}`,
        }),
      ],
    ];

    for (const [preset, signature, sign] of cases) {
      it(`${preset}: a signed request starts a run, an unsigned or tampered one gets 401 and writes nothing`, async () => {
        const flowId = await createFlow(
          webhookFlow(`Signed ${preset}`, {
            signature: { credentialId: 'cred-hmac', ...signature },
          }),
        );
        const good = await post(flowId, body, sign());
        expect(good.status).toBe(202);
        const { runId } = (await good.json()) as { runId: string };
        expect((await waitForRun(t.client, runId)).status).toBe('succeeded');

        const before = await counts(flowId);
        const unsigned = await post(flowId, body);
        expect(unsigned.status).toBe(401);
        expect(await unsigned.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
        const tampered = await post(flowId, body.replace('12.5', '99'), sign());
        expect(tampered.status).toBe(401);
        expect(await counts(flowId)).toEqual(before);
        expect(before.runs).toBe(1);
      });
    }

    it('refuses a Stripe delivery replayed outside the tolerance', async () => {
      const flowId = await createFlow(
        webhookFlow('Replay', { signature: { credentialId: 'cred-hmac', preset: 'stripe' } }),
      );
      const ts = now() - 301;
      const replay = await post(flowId, body, {
        'stripe-signature': `t=${ts},v1=${hex(`${ts}.${body}`)}`,
      });
      expect(replay.status).toBe(401);
      expect(await replay.json()).toEqual({
        error: { code: 'SIGNATURE_INVALID', message: expect.stringContaining('at most 300 s') },
      });
      expect((await counts(flowId)).runs).toBe(0);
    });

    it('answers 500 naming the field when the credential is not an HMAC secret', async () => {
      const flowId = await createFlow(
        webhookFlow('Wrong credential', {
          signature: { credentialId: 'cred-bearer', preset: 'github' },
        }),
      );
      const response = await post(flowId, body, { 'x-hub-signature-256': `sha256=${hex(body)}` });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        error: {
          code: 'WEBHOOK_MISCONFIGURED',
          message: expect.stringContaining('field signature.credentialId'),
        },
      });
      expect((await counts(flowId)).runs).toBe(0);
    });
  });

  it('413 for a body over the limit writes nothing', async () => {
    const flowId = await createFlow(webhookFlow('Big body', {}));
    const before = await counts(flowId);
    const response = await post(flowId, JSON.stringify({ blob: 'x'.repeat(64 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('65536 bytes') },
    });
    expect(await counts(flowId)).toEqual(before);
  });

  it('8 concurrent deliveries with one idempotency key give one run', async () => {
    const flowId = await createFlow(
      webhookFlow('Dedup', { idempotencyHeader: 'X-GitHub-Delivery' }),
    );
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post(flowId, '{"a":1}', { 'x-github-delivery': 'd-1' })),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      runId: string;
      deduplicated: boolean;
    }[];
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(new Set(bodies.map((b) => b.runId)).size).toBe(1);
    expect(bodies.filter((b) => !b.deduplicated)).toHaveLength(1);
    expect((await counts(flowId)).runs).toBe(1);
    // Later, too.
    const again = await post(flowId, '{"a":2}', { 'x-github-delivery': 'd-1' });
    expect(await again.json()).toEqual({ runId: bodies[0]!.runId, deduplicated: true });
    expect((await counts(flowId)).runs).toBe(1);
  });

  it('sync: answers with the last node’s output; a repeated delivery gets the same result', async () => {
    const flowId = await createFlow(
      webhookFlow('Sync', { responseMode: 'sync', idempotencyHeader: 'x-event-id' }, [
        transform('double', '{ "n": body.n * 2 }'),
        transform('label', '"n is " & $string(n)'),
      ]),
    );
    // Who else hears of the finish: nobody, since the run executed inline where it is awaited.
    const listener = new pg.Client({ connectionString: t.database.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query('LISTEN patchbay_run_finished');
    const response = await post(flowId, '{"n":4}', { 'x-event-id': 'e-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toBe('n is 8');
    const runId = response.headers.get('x-patchbay-run-id');
    expect(runId).toBeTruthy();
    // Notifications arrive in commit order: once this marker is heard, the finish's would have been.
    await db.query(`SELECT pg_notify('patchbay_run_finished', 'marker')`);
    await vi.waitFor(() => expect(heard).toContain('marker'));
    expect(heard).toEqual(['marker']);
    await listener.end();
    const repeat = await post(flowId, '{"n":5}', { 'x-event-id': 'e-1' });
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get('x-patchbay-run-id')).toBe(runId);
    expect(await repeat.json()).toBe('n is 8');
  });

  it('sync: a failed run answers 500 with its error', async () => {
    const flowId = await createFlow(
      webhookFlow('Sync failure', { responseMode: 'sync' }, [
        transform('boom', '$error("the order is incomplete")'),
      ]),
    );
    const response = await post(flowId, '{}');
    expect(response.status).toBe(500);
    const body = (await response.json()) as {
      runId: string;
      error: { code: string; message: string };
    };
    expect(body).toEqual({
      runId: expect.any(String),
      error: {
        code: expect.any(String),
        message: expect.stringContaining('the order is incomplete'),
      },
    });
    expect((await waitForRun(t.client, body.runId)).status).toBe('failed');
  });

  it('sync: past syncTimeoutMs answers 202 with the run id, and the run goes on', async () => {
    upstream.script('/slow', { latencyMs: 1_500, body: { done: true } });
    const flowId = await createFlow(
      webhookFlow('Sync timeout', { responseMode: 'sync', syncTimeoutMs: 200 }, [
        {
          id: 'call',
          type: 'http.request',
          config: { method: 'GET', url: `${upstream.url}/slow` },
        },
      ]),
    );
    const started = Date.now();
    const response = await post(flowId, '{}');
    expect(response.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(1_400);
    const { runId } = (await response.json()) as { runId: string };
    expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
  });

  it('sync: a run executed by another process is awaited through NOTIFY', async () => {
    // An HTTP-only app (no worker of its own) on its own database, and a worker "process" with
    // its own completions: the run is queued, executed there, and its finish reaches the app
    // only through NOTIFY.
    const front = await startTestApp({ secrets, worker: false });
    const pool = new pg.Pool({ connectionString: front.database.url, max: 4 });
    const logger = pino({ level: 'silent' });
    const elsewhere = new RunCompletions({
      pool,
      connectionString: front.database.url,
      logger,
      isAwaitedFlow: isSyncWebhookFlow,
    });
    const worker = await startWorkerProcess({
      connectionString: front.database.url,
      pool,
      versions: front.services.versions,
      guard: front.services.upstreamGuard,
      config: TEST_WORKER_CONFIG,
      logger,
      role: 'worker',
      completions: elsewhere,
      intake: front.services.intake,
    });
    try {
      const document = webhookFlow('Sync elsewhere', { responseMode: 'sync' }, [
        transform('answer', '{ "answer": body.q & "!" }'),
      ]);
      const flow = await front.client.flows.create.mutate({ name: document.name, document });
      await front.client.flows.setActive.mutate({ id: flow.id, active: true });
      await front.services.triggers.refresh(flow.id);
      const response = await fetch(`${front.baseUrl}/hooks/${flow.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"q":"why"}',
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ answer: 'why!' });
    } finally {
      await worker.stop();
      await elsewhere.stop();
      await pool.end();
      await front.close();
    }
  });

  it('sync: a repeated delivery waiting in another process gets the inline run’s result (it asks for the NOTIFY)', async () => {
    upstream.script('/steady', { latencyMs: 800, body: { steady: true } });
    const flowId = await createFlow(
      webhookFlow('Sync asked', { responseMode: 'sync', idempotencyHeader: 'x-id' }, [
        {
          id: 'call',
          type: 'http.request',
          config: { method: 'GET', url: `${upstream.url}/steady` },
        },
        transform('answer', '{ "status": status }'),
      ]),
    );
    const first = post(flowId, '{}', { 'x-id': 'same' });
    let runId = '';
    await vi.waitFor(async () => {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM runs WHERE flow_id = $1', [
        flowId,
      ]);
      expect(rows).toHaveLength(1);
      runId = rows[0]!.id;
    });
    // Another process's view: its own LISTEN connection, no worker; the run executes inline in t,
    // whose finish is NOTIFYed only because this waiter asks.
    const elsewhere = new RunCompletions({
      pool: db,
      connectionString: t.database.url,
      logger: pino({ level: 'silent' }),
      isAwaitedFlow: isSyncWebhookFlow,
    });
    try {
      await elsewhere.ready();
      const completion = await elsewhere.wait(runId, { timeoutMs: 10_000, stored: true });
      expect(completion).toMatchObject({ runId, status: 'succeeded', output: { status: 200 } });
      expect((await first).status).toBe(200);
      // Asked after the finish: read at once.
      await expect(
        elsewhere.wait(runId, { timeoutMs: 10_000, stored: true }),
      ).resolves.toMatchObject({ status: 'succeeded' });
    } finally {
      await elsewhere.stop();
    }
  });

  it('rate limit: 429 with Retry-After past the limit', async () => {
    const flowId = await createFlow(
      webhookFlow('Limited', { rateLimit: { limit: 2, periodMs: 60_000 } }),
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(flowId, '{}')).status);
    expect(statuses).toEqual([202, 202, 429]);
    const limited = await post(flowId, '{}');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await counts(flowId)).runs).toBe(2);
  });

  it('a JSON body that does not parse gets 400 and no run', async () => {
    const flowId = await createFlow(webhookFlow('Bad JSON', {}));
    const response = await post(flowId, '{"a":');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'WEBHOOK_BODY_INVALID' } });
    expect((await counts(flowId)).runs).toBe(0);
  });
});
