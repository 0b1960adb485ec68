/**
 * A poison run across real processes: the worker executing it is killed (SIGKILL) every time it
 * reaches its slow step. After PATCHBAY_MAX_RUN_EXECUTIONS interrupted executions the next worker
 * fails it with POISON_RUN instead of resuming it, and survives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  chainFlow,
  createApi,
  importFlow,
  waitForRunsFinal,
} from '../support/api-client.ts';
import {
  type ServerProcess,
  startServer,
  startWorker,
  type WorkerProcess,
} from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const MAX_EXECUTIONS = 2;
const WORKER_ENV = {
  PATCHBAY_LEASE_MS: '1000',
  PATCHBAY_MAX_RUN_EXECUTIONS: String(MAX_EXECUTIONS),
  LOG_LEVEL: 'warn',
};

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let db: pg.Client;
const workers: WorkerProcess[] = [];

/** An upstream that takes every request and never answers; it counts what arrived. */
let hanging: { url: string; calls: number; close(): Promise<void> };

async function startHangingUpstream(): Promise<typeof hanging> {
  const sockets = new Set<Socket>();
  const state = { calls: 0 };
  const server: Server = createServer((request) => {
    state.calls++;
    request.resume();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  database = await createTestDatabase('patchbay_poison');
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, { role: 'server' });
  api = await createApi(server);
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  hanging = await startHangingUpstream();
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await hanging?.close();
  await db?.end();
  await server?.stop();
  await database?.drop();
});

async function worker(): Promise<WorkerProcess> {
  const started = await startWorker(database.url, WORKER_ENV);
  workers.push(started);
  return started;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function slowAttemptRunning(runId: string, attempt: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM step_runs WHERE run_id = $1 AND node_id = 'slow' AND attempt = $2 AND status = 'running'`,
    [runId, attempt],
  );
  return (rowCount ?? 0) > 0;
}

describe('a run that kills its worker every time', () => {
  it(`fails with POISON_RUN after ${MAX_EXECUTIONS} interrupted executions and is not resumed again`, async () => {
    // The call never answers: each worker is killed while it waits.
    const flowId = await importFlow(
      api,
      chainFlow('Poison', [
        {
          id: 'slow',
          type: 'http.request',
          config: { method: 'POST', url: `${hanging.url}/slow` },
        },
      ]),
    );
    const { runId } = await api.flows.run.mutate({ id: flowId });

    for (let attempt = 1; attempt <= MAX_EXECUTIONS; attempt++) {
      const doomed = await worker();
      await waitUntil(() => slowAttemptRunning(runId, attempt), `attempt ${attempt} to start`);
      await waitUntil(async () => hanging.calls === attempt, `call ${attempt} to arrive`);
      await doomed.kill();
    }

    const survivor = await worker();
    const statuses = await waitForRunsFinal(database.url, [runId], 30_000);
    expect(statuses.get(runId)).toBe('failed');
    const run = await api.runs.get.query({ id: runId });
    expect(run.error).toMatchObject({
      code: 'POISON_RUN',
      details: { interruptions: MAX_EXECUTIONS, maxExecutions: MAX_EXECUTIONS },
    });
    expect(run.error?.message).toMatch(/^The run was interrupted 2 times/);
    // Executed twice, never a third time; the attempt lost with the last worker is closed.
    expect(hanging.calls).toBe(MAX_EXECUTIONS);
    const slow = run.steps.filter((step) => step.nodeId === 'slow');
    expect(slow.map((step) => [step.attempt, step.status, step.error?.code])).toEqual([
      [1, 'failed', 'WORKER_LOST'],
      [2, 'failed', 'WORKER_LOST'],
    ]);
    expect(survivor.exited).toBe(false);
  });
});
