/**
 * The egress policy in a real deployment: Patchbay with its embedded PostgreSQL, as the README's
 * first command starts it. An HTTP node pointed at that database's port fails with EGRESS_DENIED
 * (loopback upstreams allowed, as in every spawned test server), and the editor warns on save.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Api, chainFlow, createApi } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { freePort, type ServerProcess, startServer } from '../support/server-process.ts';

let dataDir: string;
let databasePort: number;
let server: ServerProcess;
let api: Api;
let browser: Browser | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'patchbay-egress-'));
  // Run as root, the embedded PostgreSQL runs as its own user, which must reach the directory.
  await chmod(dataDir, 0o755);
  databasePort = await freePort();
  server = await startServer({
    DATABASE_URL: '', // the embedded PostgreSQL
    PATCHBAY_DATA_DIR: dataDir,
    PATCHBAY_DB_PORT: String(databasePort),
    LOG_LEVEL: 'warn',
  });
  api = await createApi(server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const databaseCall = () =>
  chainFlow('Database port', [
    { id: 'fetch', type: 'http.request', config: { url: `http://127.0.0.1:${databasePort}/` } },
  ]);

describe('egress policy', () => {
  it("fails an HTTP node pointed at the embedded database's port with EGRESS_DENIED", async () => {
    const flow = await api.flows.import.mutate({ document: databaseCall() });
    expect(flow.warnings).toMatchObject([
      {
        nodeId: 'fetch',
        path: ['url'],
        message: expect.stringContaining("Patchbay's database port"),
      },
    ]);
    const { runId } = await api.flows.run.mutate({ id: flow.id });
    const run = await vi.waitFor(
      async () => {
        const current = await api.runs.get.query({ id: runId });
        if (current.status === 'queued' || current.status === 'running') throw new Error('running');
        return current;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(run.status).toBe('failed');
    expect(run.steps.filter((step) => step.nodeId === 'fetch')).toHaveLength(1);
    expect(run.error).toMatchObject({
      code: 'EGRESS_DENIED',
      nodeId: 'fetch',
      message:
        `Egress to 127.0.0.1:${databasePort} is denied: Patchbay's database port. Only an entry ` +
        `naming this host and port allows it: PATCHBAY_EGRESS_ALLOW=127.0.0.1:${databasePort}.`,
    });
  });

  it('warns in the editor when a saved flow calls a denied address', async () => {
    const flow = await api.flows.import.mutate({ document: databaseCall() });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signInThroughPage(page, server.baseUrl, server.admin);
    await page.goto(`${server.baseUrl}/flows/${flow.id}`);
    await page.getByTestId('node-fetch').waitFor();
    await page.getByTestId('save-flow').click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Flow saved with 1 warning' });
    await toast.waitFor();
    expect(await toast.textContent()).toContain("is denied: Patchbay's database port");
  });
});
