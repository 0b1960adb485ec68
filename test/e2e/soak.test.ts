/**
 * Soak: 5,000 runs through two worker processes while a chaos loop SIGKILLs a random worker every
 * few seconds and starts a replacement. Every run must end final, none may be lost, and no run's
 * step may succeed twice.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const RUNS = Number(process.env.SOAK_RUNS ?? 5_000);
// Long enough that a worker merely slowed down by the chaos is not mistaken for a dead one.
const WORKER_ENV = {
  PATCHBAY_LEASE_MS: '3000',
  PATCHBAY_WORKER_CONCURRENCY: '20',
  LOG_LEVEL: 'warn',
};

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let upstream: FlakyUpstream;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('patchbay_soak');
  upstream = await startFlakyUpstream({ seed: 7, mode: { latencyMs: 2 } });
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, { role: 'server' });
  api = await createApi(server);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await server?.stop();
  await upstream?.close();
  await database?.drop();
});

describe(`a soak of ${RUNS} runs with random worker kills`, () => {
  it('loses no run, duplicates none, and ends every run final', async () => {
    const flowId = await importFlow(
      api,
      chainFlow('Soak', [
        {
          id: 'call',
          type: 'http.request',
          config: { method: 'POST', url: `${upstream.url}/soak` },
          policy: { retry: { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1_000 } },
        },
        { id: 'shape', type: 'transform.jsonata', config: { expression: '$.body.ok' } },
      ]),
    );
    workers = [
      await startWorker(database.url, WORKER_ENV),
      await startWorker(database.url, WORKER_ENV),
    ];

    // Chaos: every 2-4 s one worker dies hard and a fresh one takes its place.
    let chaos = true;
    let kills = 0;
    const chaosLoop = (async () => {
      let seed = 1;
      while (chaos) {
        seed = (seed * 48_271) % 2_147_483_647;
        await new Promise((resolve) => setTimeout(resolve, 2_000 + (seed % 2_000)));
        if (!chaos) break;
        const victim = seed % workers.length;
        await workers[victim]!.kill();
        kills++;
        workers[victim] = await startWorker(database.url, WORKER_ENV);
      }
    })();

    const runIds: string[] = [];
    const idempotencyKeys = new Set<string>();
    for (let batch = 0; batch < RUNS / 50; batch++) {
      const started = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const key = `soak-${batch * 50 + i}`;
          idempotencyKeys.add(key);
          return api.flows.run.mutate({ id: flowId, idempotencyKey: key });
        }),
      );
      runIds.push(...started.map((run) => run.runId));
    }
    // A repeated idempotency key returns the existing run rather than starting another.
    const again = await api.flows.run.mutate({ id: flowId, idempotencyKey: 'soak-0' });
    expect(again.runId).toBe(runIds[0]);

    let statuses: Map<string, string>;
    try {
      statuses = await waitForRunsFinal(database.url, runIds, 600_000);
    } finally {
      chaos = false;
      await chaosLoop;
    }
    expect(kills).toBeGreaterThan(0);
    expect(new Set(runIds).size).toBe(RUNS);
    expect([...statuses.values()].filter((status) => status !== 'succeeded')).toEqual([]);

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const runs = await db.query<{ count: string }>(
        'SELECT count(*) FROM runs WHERE flow_id = $1',
        [flowId],
      );
      expect(Number(runs.rows[0]!.count)).toBe(RUNS);
      // Every node of every run succeeded exactly once.
      const doubled = await db.query(
        `SELECT run_id, node_id, count(*) FROM step_runs
          WHERE status = 'succeeded' GROUP BY run_id, node_id HAVING count(*) <> 1`,
      );
      expect(doubled.rows).toEqual([]);
      const succeeded = await db.query<{ count: string }>(
        `SELECT count(*) FROM step_runs WHERE status = 'succeeded'`,
      );
      expect(Number(succeeded.rows[0]!.count)).toBe(RUNS * 3);
    } finally {
      await db.end();
    }
    // The upstream saw every run's call, each under its stable idempotency key; a key repeats
    // only where a kill cut an attempt short (at-least-once delivery, deduplicated by the key).
    const counts = upstream.countsByKey();
    expect(counts.size).toBe(RUNS);
    const repeated = [...counts.values()].filter((count) => count > 1).length;
    console.log(
      `soak: ${RUNS} runs, ${kills} worker kills, ${repeated} upstream calls repeated under the same idempotency key`,
    );
    expect(repeated).toBeLessThanOrEqual(kills * Number(WORKER_ENV.PATCHBAY_WORKER_CONCURRENCY));
  }, 900_000);
});
