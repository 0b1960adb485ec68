/**
 * A flow whose HTTP node authenticates with an httpBearer credential from the vault: the worker
 * decrypts it at call time, the upstream receives the token, and no stored row of the run holds it.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

let t: TestApp;
let raw: pg.Pool;
let upstream: Server;
let upstreamUrl: string;
const received: (string | undefined)[] = [];

beforeAll(async () => {
  t = await startTestApp();
  raw = new pg.Pool({ connectionString: t.database.url, max: 1 });
  upstream = createServer((req, res) => {
    received.push(req.headers.authorization);
    // A careless upstream that echoes the credential back, on success and on failure.
    const status = req.url?.startsWith('/denied') ? 403 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ youSent: req.headers.authorization }));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream?.close();
  await raw?.end();
  await t?.close();
});

async function runWithToken(path: string, token: string) {
  const credential = await t.client.credentials.create.mutate({
    name: `API ${token}`,
    type: 'httpBearer',
    data: { token },
  });
  const flow = await t.client.flows.create.mutate({
    name: `Call ${token}`,
    document: chainFlow(`Call ${token}`, [
      {
        id: 'call',
        type: 'http.request',
        config: { url: `${upstreamUrl}${path}`, auth: { credentialId: credential.id } },
      },
    ]),
  });
  expect(flow.warnings).toEqual([]);
  const { runId } = await t.client.flows.run.mutate({ id: flow.id });
  const run = await waitForRun(t.client, runId);
  const { rows } = await raw.query(
    `SELECT (SELECT row_to_json(r)::text FROM runs r WHERE r.id = $1) AS run,
            (SELECT json_agg(s)::text FROM step_runs s WHERE s.run_id = $1) AS steps`,
    [runId],
  );
  return { run, stored: `${rows[0].run}${rows[0].steps}`, credential, flow };
}

describe('http.request with a vault credential', () => {
  it('sends the decrypted token and stores *** in its place', async () => {
    const token = 'vault-bearer-token-51c2';
    const { run, stored, credential, flow } = await runWithToken('/me', token);
    expect(run.status).toBe('succeeded');
    // The vault sees the node's auth.credentialId as a use.
    const detail = await t.client.credentials.get.query({ id: credential.id });
    expect(detail.usedBy).toEqual([{ flowId: flow.id, flowName: flow.name }]);
    expect(received.at(-1)).toBe(`Bearer ${token}`);
    expect(stored).toContain('Bearer ***');
    expect(stored).not.toContain(token);
  });

  it('keeps the token out of a failed step and the run error', async () => {
    const token = 'vault-bearer-token-9e07';
    const { run, stored } = await runWithToken('/denied?x=1', token);
    expect(run.status).toBe('failed');
    expect(received.at(-1)).toBe(`Bearer ${token}`);
    expect(stored).toContain('HTTP_STATUS');
    expect(stored).not.toContain(token);
  });
});
