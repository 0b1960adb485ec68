/**
 * Durability and shared resilience across real processes: one API server and separate worker
 * processes on one PostgreSQL, against a flaky loopback upstream. Workers are killed with SIGKILL
 * mid-run; breakers and rate limits must hold across processes.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  chainFlow,
  createApi,
  importFlow,
  waitForRunsFinal,
} from '../support/api-client.ts';
import { type FlakyUpstream, startFlakyUpstream } from '../support/flaky-upstream.ts';
import {
  type ServerProcess,
  startServer,
  startWorker,
  type WorkerProcess,
} from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const LEASE_MS = '2000';
const WORKER_ENV = {
  PATCHBAY_LEASE_MS: LEASE_MS,
  PATCHBAY_WORKER_CONCURRENCY: '10',
  LOG_LEVEL: 'warn',
};

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let db: pg.Client;
let upstream: FlakyUpstream;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('patchbay_durability');
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, { role: 'server' });
  api = await createApi(server);
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await upstream?.close();
});

afterAll(async () => {
  await db?.end();
  await server?.stop();
  await database?.drop();
});

async function worker(env: Record<string, string> = {}): Promise<WorkerProcess> {
  const started = await startWorker(database.url, { ...WORKER_ENV, ...env });
  workers.push(started);
  return started;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type StepRow = {
  node_id: string;
  attempt: number;
  status: string;
  error: { code?: string } | null;
};

async function stepsOf(runId: string): Promise<StepRow[]> {
  const { rows } = await db.query<StepRow>(
    'SELECT node_id, attempt, status, error FROM step_runs WHERE run_id = $1 ORDER BY node_id, attempt',
    [runId],
  );
  return rows;
}

function httpNode(id: string, url: string, policy: Record<string, unknown> = {}) {
  return { id, type: 'http.request', config: { method: 'POST', url }, policy };
}

describe('a worker killed mid-run', () => {
  it('is taken over after the lease expires; succeeded steps are not executed again', async () => {
    upstream = await startFlakyUpstream();
    const flowId = await importFlow(
      api,
      chainFlow('Crash mid-run', [
        httpNode('first', `${upstream.url}/first`),
        httpNode('slow', `${upstream.url}/slow`),
        httpNode('last', `${upstream.url}/last`),
      ]),
    );
    const doomed = await worker();
    // The second call is held open; the worker is killed while it waits for the answer.
    await upstream.set({ latencyByPath: { '/slow': 4_000 } });
    const { runId } = await api.flows.run.mutate({ id: flowId });
    await waitUntil(
      async () =>
        (await stepsOf(runId)).some((s) => s.node_id === 'slow' && s.status === 'running'),
      'the slow step to start',
    );
    await doomed.kill();
    await upstream.set({ latencyByPath: {} });

    await worker();
    const statuses = await waitForRunsFinal(database.url, [runId], 30_000);
    expect(statuses.get(runId)).toBe('succeeded');

    const counts = upstream.countsByKey();
    // The upstream saw the first and last steps once; the interrupted one again, with its key.
    expect(counts.get(`${runId}:first`)).toBe(1);
    expect(counts.get(`${runId}:last`)).toBe(1);
    expect(counts.get(`${runId}:slow`)).toBeGreaterThanOrEqual(1);
    const steps = await stepsOf(runId);
    expect(steps.filter((s) => s.node_id === 'first')).toMatchObject([{ status: 'succeeded' }]);
    const slow = steps.filter((s) => s.node_id === 'slow');
    expect(slow[0]).toMatchObject({ attempt: 1, status: 'failed', error: { code: 'WORKER_LOST' } });
    expect(slow.at(-1)).toMatchObject({ status: 'succeeded' });
    expect(steps.filter((s) => s.status === 'succeeded')).toHaveLength(4);
  });
});

describe('a circuit breaker shared by every worker', () => {
  it('opens in one worker, fails fast in another, and closes again after a good probe', async () => {
    upstream = await startFlakyUpstream({ mode: { failureRate: 1 } });
    const policy = {
      retry: { maxAttempts: 1 },
      // Long enough that starting the second worker on a busy machine stays inside it.
      breaker: { consecutiveFailures: 3, openDurationMs: 8_000, halfOpenProbes: 1 },
    };
    const flowId = await importFlow(
      api,
      chainFlow('Breaker', [httpNode('call', `${upstream.url}/api`, policy)]),
    );
    const target = new URL(upstream.url);
    const targetKey = `http://${target.hostname}:${target.port}`;

    const first = await worker();
    const failing: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { runId } = await api.flows.run.mutate({ id: flowId });
      failing.push(runId);
      await waitForRunsFinal(database.url, [runId], 15_000);
    }
    expect((await api.breakers.get.query({ target: targetKey })).state).toBe('open');
    await first.stop();

    // A second worker process never calls the upstream while the breaker is open.
    const callsBefore = upstream.requests.length;
    await worker();
    const { runId: fastFail } = await api.flows.run.mutate({ id: flowId });
    const statuses = await waitForRunsFinal(database.url, [fastFail], 15_000);
    expect(statuses.get(fastFail)).toBe('failed');
    expect((await stepsOf(fastFail)).find((s) => s.node_id === 'call')?.error?.code).toBe(
      'CIRCUIT_OPEN',
    );
    expect(upstream.requests.length).toBe(callsBefore);

    // After the open period one probe goes through; it succeeds and the breaker closes.
    await upstream.set({ failureRate: 0 });
    await new Promise((resolve) => setTimeout(resolve, 8_200));
    const { runId: probe } = await api.flows.run.mutate({ id: flowId });
    expect((await waitForRunsFinal(database.url, [probe], 15_000)).get(probe)).toBe('succeeded');
    const breaker = await api.breakers.get.query({ target: targetKey });
    expect(breaker.state).toBe('closed');
    expect(breaker.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(
      expect.arrayContaining(['closed->open', 'open->half_open', 'half_open->closed']),
    );
  });
});

describe('a rate limit shared by every worker', () => {
  it('holds across two worker processes to within 10% over the window', async () => {
    upstream = await startFlakyUpstream();
    const limit = 20;
    const flowId = await importFlow(
      api,
      chainFlow('Rate limited', [
        httpNode('call', `${upstream.url}/limited`, {
          rateLimit: { limit, periodMs: 1_000, burst: 2, maxWaitMs: 120_000 },
        }),
      ]),
    );
    await Promise.all([worker(), worker()]);
    const runIds: string[] = [];
    for (let i = 0; i < 160; i++) {
      runIds.push((await api.flows.run.mutate({ id: flowId })).runId);
    }
    const statuses = await waitForRunsFinal(database.url, runIds, 60_000);
    expect([...statuses.values()].every((status) => status === 'succeeded')).toBe(true);

    const times = upstream.requests.filter((r) => r.path === '/limited').map((r) => r.at);
    expect(times).toHaveLength(160);
    // Over the steady window (after the initial burst) the rate is the limit, within 10%.
    const steady = times.slice(2);
    const seconds = (steady.at(-1)! - steady[0]!) / 1_000;
    const rate = (steady.length - 1) / seconds;
    expect(rate).toBeGreaterThan(limit * 0.9);
    expect(rate).toBeLessThan(limit * 1.1);
  });
});

describe('an upstream 429 with Retry-After', () => {
  it('slows the target for every worker until the Retry-After has passed', async () => {
    upstream = await startFlakyUpstream({ mode: { throttleRetryAfterSeconds: 3 } });
    const flowId = await importFlow(
      api,
      chainFlow('Throttled', [
        httpNode('call', `${upstream.url}/throttled`, { retry: { maxAttempts: 3 } }),
      ]),
    );
    const first = await worker();
    const { runId: throttled } = await api.flows.run.mutate({ id: flowId });
    await waitUntil(async () => upstream.requests.some((r) => r.status === 429), 'the 429');
    const throttledAt = upstream.requests.find((r) => r.status === 429)!.at;
    await upstream.set({ throttleRetryAfterSeconds: null });
    await first.stop();

    // Another worker process, which never saw the 429 itself, holds back all the same.
    await worker();
    const { runId: other } = await api.flows.run.mutate({ id: flowId });
    const statuses = await waitForRunsFinal(database.url, [throttled, other], 30_000);
    expect(statuses.get(throttled)).toBe('succeeded');
    expect(statuses.get(other)).toBe('succeeded');
    const after = upstream.requests.filter((r) => r.at > throttledAt);
    expect(after).toHaveLength(2);
    for (const request of after) expect(request.at - throttledAt).toBeGreaterThanOrEqual(2_900);
  });
});
