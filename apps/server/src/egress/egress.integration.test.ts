import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

/** A real upstream on 127.0.0.1 that counts the TCP connections it accepts. */
type Upstream = { url: string; port: number; connections(): number; close(): Promise<void> };

async function startUpstream(): Promise<Upstream> {
  let connections = 0;
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPort(): Promise<number> {
  const upstream = await startUpstream();
  await upstream.close();
  return upstream.port;
}

/** Runs a flow of one HTTP node calling `url` and returns the finished run. */
async function runHttpNode(t: TestApp, url: string, policy?: Record<string, unknown>) {
  const flow = await t.client.flows.create.mutate({
    name: `Call ${url}`,
    document: chainFlow('Call', [httpNode('fetch', url, policy)]),
  });
  const { runId } = await t.client.flows.run.mutate({ id: flow.id });
  return waitForRun(t.client, runId);
}

const portOf = (url: string) => Number(new URL(url).port);

describe('egress with nothing allowed', () => {
  let t: TestApp;
  let upstream: Upstream;

  beforeAll(async () => {
    t = await startTestApp({ egressAllow: '' });
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream?.close();
    await t?.close();
  });

  it('fails a loopback call with EGRESS_DENIED after one attempt, and nothing connects', async () => {
    // Even a policy that retries every error does not retry a refusal.
    const run = await runHttpNode(t, `${upstream.url}/orders`, {
      retry: { maxAttempts: 3, retryOn: 'any', initialDelayMs: 1 },
    });
    expect(run.status).toBe('failed');
    const attempts = run.steps.filter((step) => step.nodeId === 'fetch');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, status: 'failed', retryDelayMs: null });
    expect(attempts[0]?.error).toMatchObject({
      code: 'EGRESS_DENIED',
      retryable: false,
      message: `Egress to 127.0.0.1:${upstream.port} is denied: loopback address. Allow it with PATCHBAY_EGRESS_ALLOW.`,
      details: { address: '127.0.0.1', rule: 'loopback address' },
    });
    expect(run.error).toMatchObject({ code: 'EGRESS_DENIED', nodeId: 'fetch' });
    expect(upstream.connections()).toBe(0);
  });

  it('reports a refused open port and a refused closed port with the same error', async () => {
    const closed = await closedPort();
    const errorFor = async (port: number) => {
      const run = await runHttpNode(t, `http://127.0.0.1:${port}/`);
      const error = run.steps.find((step) => step.nodeId === 'fetch')?.error;
      // Everything but the port number itself must be the same.
      return {
        ...error,
        message: error?.message.replaceAll(String(port), 'PORT'),
        details: { ...error?.details, port: 'PORT' },
      };
    };
    const open = await errorFor(upstream.port);
    expect(open).toMatchObject({ code: 'EGRESS_DENIED' });
    expect(await errorFor(closed)).toEqual(open);
    expect(upstream.connections()).toBe(0);
  });

  it('refuses localhost and the decimal and IPv4-mapped forms of loopback', async () => {
    for (const url of [
      `http://localhost:${upstream.port}/`,
      `http://2130706433:${upstream.port}/`,
      `http://[::ffff:127.0.0.1]:${upstream.port}/`,
    ]) {
      const run = await runHttpNode(t, url);
      expect(run.error, url).toMatchObject({ code: 'EGRESS_DENIED' });
    }
    expect(upstream.connections()).toBe(0);
  });
});

describe('egress with the tests’ loopback upstreams allowed', () => {
  let t: TestApp;
  let upstream: Upstream;

  beforeAll(async () => {
    t = await startTestApp(); // PATCHBAY_EGRESS_ALLOW=127.0.0.1
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream?.close();
    await t?.close();
  });

  it('lets a call to an allowed upstream through', async () => {
    const run = await runHttpNode(t, `${upstream.url}/orders`);
    expect(run.status).toBe('succeeded');
    expect(run.steps.find((step) => step.nodeId === 'fetch')?.output).toMatchObject({
      status: 200,
      body: { ok: true },
    });
  });

  it("fails a call to Patchbay's own database port with EGRESS_DENIED, allowed host or not", async () => {
    const databasePort = portOf(t.database.url) || 5432;
    const run = await runHttpNode(t, `http://127.0.0.1:${databasePort}/`);
    expect(run.error).toMatchObject({
      code: 'EGRESS_DENIED',
      details: { rule: "Patchbay's database port" },
    });
  });

  it("fails a call to Patchbay's own API port with EGRESS_DENIED", async () => {
    const run = await runHttpNode(t, `${t.baseUrl}/trpc/flows.list`);
    expect(run.error).toMatchObject({
      code: 'EGRESS_DENIED',
      details: { rule: "Patchbay's HTTP port" },
    });
  });

  it('warns on save about literal URLs the policy refuses, and saves all the same', async () => {
    const databasePort = portOf(t.database.url) || 5432;
    const document = chainFlow('Warned', [
      httpNode('local', 'http://localhost:8080/hook'),
      httpNode('metadata', 'http://169.254.169.254/latest/meta-data/'),
      httpNode('database', `http://127.0.0.1:${databasePort}/`),
      httpNode('allowed', `${upstream.url}/orders`),
      httpNode('templated', 'http://{{ $.host }}/'),
    ]);
    const created = await t.client.flows.create.mutate({ name: 'Warned', document });
    expect(created.warnings).toEqual([
      {
        nodeId: 'local',
        path: ['url'],
        message:
          'Node "local": Egress to localhost:8080 is denied: localhost name. Allow it with ' +
          'PATCHBAY_EGRESS_ALLOW. Its runs will fail with EGRESS_DENIED.',
      },
      {
        nodeId: 'metadata',
        path: ['url'],
        message:
          'Node "metadata": Egress to 169.254.169.254:80 is denied: cloud metadata address. ' +
          'Allow it with PATCHBAY_EGRESS_ALLOW. Its runs will fail with EGRESS_DENIED.',
      },
      {
        nodeId: 'database',
        path: ['url'],
        message: expect.stringContaining("is denied: Patchbay's database port"),
      },
    ]);
    expect(created.latestVersion).toBe(1);

    const updated = await t.client.flows.update.mutate({
      id: created.id,
      document: chainFlow('Warned', [httpNode('local', 'http://[::1]:8080/')]),
    });
    expect(updated.warnings).toMatchObject([
      { nodeId: 'local', path: ['url'], message: expect.stringContaining('loopback address') },
    ]);
    const unchanged = await t.client.flows.update.mutate({ id: created.id, name: 'Warned' });
    expect(unchanged.warnings).toHaveLength(1);

    const imported = await t.client.flows.import.mutate({ document });
    expect(imported.warnings.map((warning) => warning.nodeId)).toEqual([
      'local',
      'metadata',
      'database',
    ]);
  });

  it('saves a flow without warnings when every literal URL is allowed', async () => {
    const created = await t.client.flows.create.mutate({
      name: 'Fine',
      document: chainFlow('Fine', [httpNode('fetch', `${upstream.url}/orders`)]),
    });
    expect(created.warnings).toEqual([]);
  });
});
