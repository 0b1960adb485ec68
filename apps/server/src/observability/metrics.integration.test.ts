import { once } from 'node:events';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_BREAKER_POLICY, type FlowDocument, rateLimitPolicySchema } from '@patchbay/engine';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { MAX_TARGET_LABELS, OTHER_TARGET } from './patchbay-metrics.ts';
import { createWorkerHttpApp } from './worker-http.ts';

const METRICS_TOKEN = 'metrics-scrape-secret-0123456789';

let t: TestApp;
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  t = await startTestApp({ metricsToken: METRICS_TOKEN });
  upstream = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream?.close();
  await t?.close();
});

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition (no escapes in our label values). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(baseUrl = t.baseUrl, token = METRICS_TOKEN): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** The sum of a metric's samples whose labels include `labels`. */
function sampleSum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

function flowOf(name: string, expression: string): FlowDocument {
  return {
    version: 1,
    name,
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'shape',
        type: 'transform.jsonata',
        position: { x: 200, y: 0 },
        config: { expression },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'shape' }],
  };
}

describe('GET /metrics', () => {
  it('answers 401 with a JSON error without a token, with a wrong one, or a malformed header', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer not-the-token' },
      { authorization: `Basic ${METRICS_TOKEN}` },
      { authorization: `Bearer ${METRICS_TOKEN}x` },
    ] as Record<string, string>[]) {
      const response = await fetch(`${t.baseUrl}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.code).toBe('UNAUTHENTICATED');
      expect(body.message).toContain('PATCHBAY_METRICS_TOKEN');
      expect(JSON.stringify(body)).not.toContain('patchbay_runs');
    }
  });

  it('serves the patchbay_ and process metrics for PATCHBAY_METRICS_TOKEN and for an API token', async () => {
    for (const token of [METRICS_TOKEN, t.owner.token]) {
      const response = await fetch(`${t.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      for (const name of [
        'patchbay_runs_started_total',
        'patchbay_runs_finished_total',
        'patchbay_run_duration_seconds',
        'patchbay_step_duration_seconds',
        'patchbay_step_attempts_total',
        'patchbay_queue_depth',
        'patchbay_runs_in_flight',
        'patchbay_breaker_state',
        'patchbay_rate_limit_wait_seconds',
        'patchbay_webhook_requests_total',
        'process_cpu_user_seconds_total',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
    }
    // A revoked API token no longer scrapes.
    const viewer = await t.userWithRole('viewer');
    const [listed] = (await viewer.client.tokens.list.query()).filter(
      (token) => token.userId === viewer.id,
    );
    if (!listed) throw new Error('the viewer has no token');
    expect((await scrape(t.baseUrl, viewer.token)).length).toBeGreaterThan(0);
    await t.caller.tokens.revoke({ id: listed.id });
    await vi.waitFor(
      async () => {
        const response = await fetch(`${t.baseUrl}/metrics`, {
          headers: { authorization: `Bearer ${viewer.token}` },
        });
        expect(response.status).toBe(401);
      },
      { timeout: 10_000, interval: 200 },
    );
  });

  it('answers any Host, as /healthz does (Prometheus scrapes by address)', async () => {
    const { port } = t.app.server.address() as AddressInfo;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpGet(
        {
          host: '127.0.0.1',
          port,
          path: '/metrics',
          headers: { authorization: `Bearer ${METRICS_TOKEN}`, host: '10.1.2.3:9090' },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(200);
  });
});

describe('run metrics', () => {
  it('counts runs started and finished by status, their durations and their steps', async () => {
    const before = await scrape();
    const ok = await t.client.flows.create.mutate({
      name: 'Fine',
      document: flowOf('Fine', '{ "doubled": n * 2 }'),
    });
    const broken = await t.client.flows.create.mutate({
      name: 'Broken',
      document: flowOf('Broken', '$error("no such order")'),
    });
    const started = await Promise.all([
      ...[1, 2, 3].map((n) => t.client.flows.run.mutate({ id: ok.id, input: { n } })),
      ...[1, 2].map((n) => t.client.flows.run.mutate({ id: broken.id, input: { n } })),
    ]);
    const runs = await Promise.all(started.map(({ runId }) => waitForRun(t.client, runId)));
    expect(runs.map((run) => run.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'failed',
      'failed',
    ]);

    await vi.waitFor(
      async () => {
        const after = await scrape();
        const delta = (name: string, labels: Record<string, string> = {}) =>
          sampleSum(after, name, labels) - sampleSum(before, name, labels);
        expect(delta('patchbay_runs_started_total')).toBe(5);
        expect(delta('patchbay_runs_finished_total', { status: 'succeeded' })).toBe(3);
        expect(delta('patchbay_runs_finished_total', { status: 'failed' })).toBe(2);
        expect(delta('patchbay_runs_finished_total', { status: 'cancelled' })).toBe(0);
        expect(delta('patchbay_run_duration_seconds_count')).toBe(5);
        expect(delta('patchbay_run_duration_seconds_sum')).toBeGreaterThan(0);
        expect(
          delta('patchbay_step_attempts_total', {
            node_type: 'transform.jsonata',
            outcome: 'succeeded',
          }),
        ).toBe(3);
        expect(
          delta('patchbay_step_attempts_total', {
            node_type: 'transform.jsonata',
            outcome: 'failed',
          }),
        ).toBe(2);
        expect(
          delta('patchbay_step_attempts_total', {
            node_type: 'trigger.manual',
            outcome: 'succeeded',
          }),
        ).toBe(5);
        expect(
          delta('patchbay_step_duration_seconds_count', { node_type: 'transform.jsonata' }),
        ).toBe(5);
        expect(sampleSum(after, 'patchbay_runs_in_flight')).toBe(0);
        expect(sampleSum(after, 'patchbay_queue_depth')).toBe(
          t.services.queueLoad.snapshot().queuedRuns,
        );
      },
      { timeout: 10_000, interval: 100 },
    );
    // No run or flow id is a label value anywhere.
    const text = await (
      await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    for (const id of [ok.id, broken.id, ...started.map((run) => run.runId)]) {
      expect(text).not.toContain(id);
    }
  });

  it('counts webhook requests by the status answered', async () => {
    const before = await scrape();
    const response = await fetch(`${t.baseUrl}/hooks/no-such-webhook`, { method: 'POST' });
    const status = String(response.status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const after = await scrape();
    expect(
      sampleSum(after, 'patchbay_webhook_requests_total', { status }) -
        sampleSum(before, 'patchbay_webhook_requests_total', { status }),
    ).toBe(1);
  });
});

describe('upstream metrics', () => {
  it('shows the breaker state of a target an HTTP step called', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Calls out',
      document: {
        version: 1,
        name: 'Calls out',
        nodes: [
          { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
          {
            id: 'fetch',
            type: 'http.request',
            position: { x: 200, y: 0 },
            config: { url: `${upstreamUrl}/ok` },
          },
        ],
        edges: [{ id: 'e1', source: 'trigger', target: 'fetch' }],
      },
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    expect((await waitForRun(t.client, runId)).status).toBe('succeeded');
    const samples = (await scrape()).filter((sample) => sample.name === 'patchbay_breaker_state');
    expect(samples).toContainEqual({
      name: 'patchbay_breaker_state',
      labels: { target: upstreamUrl },
      value: 0,
    });
  });

  it('observes rate-limit waits the guard hands out', async () => {
    const before = await scrape();
    const call = {
      target: 'metrics-rate-limited',
      runId: 'r',
      nodeId: 'n',
      breaker: DEFAULT_BREAKER_POLICY,
      rateLimit: rateLimitPolicySchema.parse({ limit: 1, periodMs: 60_000 }),
    };
    expect((await t.services.upstreamGuard.acquire(call)).kind).toBe('proceed');
    const second = await t.services.upstreamGuard.acquire(call);
    expect(second.kind).toBe('wait');
    const after = await scrape();
    expect(
      sampleSum(after, 'patchbay_rate_limit_wait_seconds_count') -
        sampleSum(before, 'patchbay_rate_limit_wait_seconds_count'),
    ).toBe(1);
    expect(
      sampleSum(after, 'patchbay_rate_limit_wait_seconds_sum') -
        sampleSum(before, 'patchbay_rate_limit_wait_seconds_sum'),
    ).toBeGreaterThan(1);
  });

  it('caps the target labels: past the first targets, the rest count as "other"', async () => {
    for (let index = 0; index < MAX_TARGET_LABELS + 30; index += 1) {
      await t.services.upstreamGuard.acquire({
        target: `https://tenant-${index}.example.com:443`,
        runId: 'r',
        nodeId: 'n',
        breaker: DEFAULT_BREAKER_POLICY,
        rateLimit: undefined,
      });
    }
    const targets = (await scrape())
      .filter((sample) => sample.name === 'patchbay_breaker_state')
      .map((sample) => sample.labels.target);
    expect(targets.length).toBe(MAX_TARGET_LABELS + 1);
    expect(targets).toContain(OTHER_TARGET);
    expect(targets).not.toContain(`https://tenant-${MAX_TARGET_LABELS + 29}.example.com:443`);
  });
});

describe('the worker-role listener (PATCHBAY_WORKER_HTTP_PORT)', () => {
  let worker: FastifyInstance;
  let workerUrl: string;

  beforeAll(async () => {
    worker = await createWorkerHttpApp({
      services: t.services,
      logger: pino({ level: 'silent' }),
      metricsToken: METRICS_TOKEN,
    });
    await worker.listen({ host: '127.0.0.1', port: 0 });
    workerUrl = `http://127.0.0.1:${(worker.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await worker?.close();
  });

  it('serves /healthz, /metrics behind the token, and nothing else', async () => {
    const health = await fetch(`${workerUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'reachable' });
    expect((await fetch(`${workerUrl}/metrics`)).status).toBe(401);
    const samples = await scrape(workerUrl, METRICS_TOKEN);
    expect(samples.some((sample) => sample.name === 'patchbay_runs_finished_total')).toBe(true);
    expect((await scrape(workerUrl, t.owner.token)).length).toBeGreaterThan(0);
    expect((await fetch(`${workerUrl}/trpc/flows.list`)).status).toBe(404);
  });
});
