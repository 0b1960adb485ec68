/**
 * Schedules across real processes: one API server (`--role=server`, which ticks nothing) and two
 * worker processes (`--role=worker`) on one PostgreSQL. An every-second schedule must start one
 * run per tick however many workers arm it, and stop once the flow is switched off.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../support/api-client.ts';
import {
  type ServerProcess,
  startServer,
  startWorker,
  type WorkerProcess,
} from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TICKS = 10;
const WORKER_ENV = { PATCHBAY_WORKER_CONCURRENCY: '4', LOG_LEVEL: 'info' };

let database: TestDatabase;
let server: ServerProcess;
let api: Api;
let db: pg.Client;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('patchbay_schedule');
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, { role: 'server' });
  api = await createApi(server);
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  workers.push(...(await Promise.all([1, 2].map(() => startWorker(database.url, WORKER_ENV)))));
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await db?.end();
  await server?.stop();
  await database?.drop();
});

type ScheduleRun = {
  id: string;
  status: string;
  created_at: Date;
  input: { scheduledAt: string; firedAt: string; timezone: string };
};

async function scheduleRuns(flowId: string): Promise<ScheduleRun[]> {
  const { rows } = await db.query<ScheduleRun>(
    `SELECT id, status, created_at, input FROM runs
      WHERE flow_id = $1 AND trigger = 'schedule' ORDER BY input->>'scheduledAt'`,
    [flowId],
  );
  return rows;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The ticks each worker process started a run for, from its log lines. */
function startsByWorker(flowId: string): string[][] {
  return workers.map((worker) =>
    worker
      .output()
      .split('\n')
      .filter((line) => line.includes('"Schedule tick started a run"'))
      .map((line) => JSON.parse(line) as { flowId: string; scheduledAt: string })
      .filter((entry) => entry.flowId === flowId)
      .map((entry) => entry.scheduledAt),
  );
}

describe('an every-second schedule with two worker processes', () => {
  it('fires each tick exactly once, and stops when the flow is switched off', async () => {
    const flow = await api.flows.import.mutate({
      document: {
        version: 1,
        name: 'Every second',
        nodes: [
          {
            id: 'tick',
            type: 'trigger.schedule',
            position: { x: 0, y: 0 },
            // allow: a tick is never dropped because the previous run is still queued.
            config: { cron: '* * * * * *', timezone: 'Europe/Berlin', overlap: 'allow' },
          },
          {
            id: 'when',
            type: 'transform.jsonata',
            position: { x: 200, y: 0 },
            config: { expression: '{"at": scheduledAt}' },
          },
        ],
        edges: [{ id: 'e', source: 'tick', target: 'when' }],
      },
    });
    expect(flow.active).toBe(false);
    // Switched off, nothing ticks.
    const preview = await api.triggers.schedulePreview.query({
      cron: '* * * * * *',
      timezone: 'Europe/Berlin',
    });
    expect(preview.ok && preview.next).toHaveLength(5);

    await api.flows.setActive.mutate({ id: flow.id, active: true });
    await waitUntil(
      async () => (await scheduleRuns(flow.id)).length >= TICKS + 1,
      `${TICKS + 1} scheduled runs`,
      30_000,
    );
    const off = await api.flows.setActive.mutate({ id: flow.id, active: false });
    expect(off.active).toBe(false);
    const switchedOffAt = Date.now();

    const runs = await scheduleRuns(flow.id);
    const ticks = runs.map((run) => run.input.scheduledAt);
    // One run per tick, and the ticks consecutive seconds (none dropped, none doubled).
    expect(new Set(ticks).size).toBe(ticks.length);
    const seconds = ticks.map((tick) => Date.parse(tick) / 1000);
    expect(seconds.slice(1).map((second, i) => second - seconds[i]!)).toEqual(
      Array(ticks.length - 1).fill(1),
    );
    expect(runs[0]?.input).toMatchObject({ timezone: 'Europe/Berlin' });
    for (const run of runs) {
      expect(Date.parse(run.input.firedAt)).toBeGreaterThanOrEqual(
        Date.parse(run.input.scheduledAt),
      );
    }

    // Exactly once at the claim, not only at the run's idempotency key: each tick was started
    // by one worker process, whichever.
    await waitUntil(
      async () => startsByWorker(flow.id).flat().length >= ticks.length,
      'the workers to log their starts',
      5_000,
    );
    const starts = startsByWorker(flow.id);
    expect(starts.flat().sort()).toEqual(ticks);
    console.log(
      `schedule ticks started per worker process: ${starts.map((list) => list.length).join(' + ')}`,
    );
    const { rows: claims } = await db.query<{ key: string }>(
      'SELECT key FROM trigger_claims WHERE flow_id = $1 ORDER BY key',
      [flow.id],
    );
    expect(claims.map((claim) => claim.key).filter((key) => ticks.includes(key))).toEqual(ticks);

    await waitUntil(
      async () => (await scheduleRuns(flow.id)).every((run) => run.status === 'succeeded'),
      'the scheduled runs to succeed',
      20_000,
    );
    const { rows: outputs } = await db.query<{ output: { at: string } }>(
      `SELECT s.output FROM step_runs s JOIN runs r ON r.id = s.run_id
        WHERE r.flow_id = $1 AND s.node_id = 'when' ORDER BY s.output->>'at'`,
      [flow.id],
    );
    expect(outputs.map((row) => row.output.at)).toEqual(
      (await scheduleRuns(flow.id)).map((run) => run.input.scheduledAt),
    );

    // Switched off: no run is recorded after the switch committed. Three more ticks' time
    // passes before the check, as an absence can only be seen by waiting.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await scheduleRuns(flow.id);
    expect(after.filter((run) => run.created_at.getTime() > switchedOffAt)).toEqual([]);
    expect(after.length).toBe(runs.length);
  });
});
