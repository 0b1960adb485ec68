/**
 * The default install under HTTP load (issue 6): `bash scripts/start.sh` as the README has it (one
 * process, embedded PostgreSQL, a fresh data directory), then `flows.run` of the 3-node pipeline
 * flow over HTTP at each concurrency for a fixed time, with autocannon as the load generator.
 * Between points the queue is left to drain. Figures per point: see measurePoint.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { freePort, TEST_ADMIN } from '../support/server-process.ts';
import { runStartCommand, type StartCommand } from '../support/start-command.ts';
import { measurePoint, type PointResult, type PointTarget } from './api-point.ts';
import { findEmbeddedCluster } from './embedded-cluster.ts';
import { sampleTree } from './process-tree.ts';

export type ApiResult = {
  /** os.loadavg() before the app started: 1, 5 and 15 minutes. */
  loadAverageAtStart: number[];
  secondsPerPoint: number;
  /** The whole tree 5 s after start-up, sign-in and the flow's import, before any load. */
  pssIdleMb: number;
  processesIdle: number;
  points: PointResult[];
};

const SETTLE_MS = 5_000;
const STOP_TIMEOUT_MS = 60_000;

export async function benchApi(options: {
  concurrency: number[];
  repeat: number;
  seconds: number;
  drainTimeoutMs: number;
}): Promise<ApiResult> {
  const loadAverageAtStart = os.loadavg();
  const root = await mkdtemp(path.join(os.tmpdir(), 'patchbay-bench-api-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach the cluster.
  await chmod(root, 0o755);
  const dataDir = path.join(root, 'data');
  const fallbackDir = path.join(root, 'db-fallback');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const command = runStartCommand({
    PATCHBAY_DATA_DIR: dataDir,
    PATCHBAY_DB_FALLBACK_DIR: fallbackDir,
    PATCHBAY_DB_PORT: String(await freePort()),
    PORT: String(port),
    HOST: '127.0.0.1',
    PATCHBAY_ADMIN_EMAIL: TEST_ADMIN.email,
    PATCHBAY_ADMIN_PASSWORD: TEST_ADMIN.password,
    DATABASE_URL: undefined,
  });
  let db: pg.Client | undefined;
  let postmasterPid: number | undefined;
  try {
    await command.printed('Patchbay is running at');
    const cluster = await findEmbeddedCluster({ dataDir, fallbackDir });
    postmasterPid = cluster.postmasterPid;
    db = new pg.Client({ connectionString: cluster.connectionString });
    await db.connect();

    const api = await createApi({ baseUrl, admin: TEST_ADMIN });
    const { token } = await api.tokens.create.mutate({ name: 'pnpm bench api', role: 'editor' });
    const flowId = await importFlow(
      api,
      chainFlow('Bench: trigger -> transform -> transform', [
        { id: 'double', type: 'transform.jsonata', config: { expression: '{ "n": $.n * 2 }' } },
        { id: 'label', type: 'transform.jsonata', config: { expression: '"run " & $string($.n)' } },
      ]),
    );

    const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const roots = {
      serverPid: command.pid,
      postmasterPid: cluster.postmasterPid,
      exclude: rows.map((row) => row.pid),
    };
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idle = await sampleTree(roots);

    const target: PointTarget = { url: `${baseUrl}/trpc/flows.run`, token, flowId, db, roots };
    const points: PointResult[] = [];
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      for (const connections of options.concurrency) {
        const point = await measurePoint(target, {
          connections,
          repetition,
          seconds: options.seconds,
          drainTimeoutMs: options.drainTimeoutMs,
        });
        console.error(JSON.stringify(point));
        points.push(point);
      }
    }
    return {
      loadAverageAtStart,
      secondsPerPoint: options.seconds,
      pssIdleMb: idle.pssMb,
      processesIdle: idle.processes,
      points,
    };
  } catch (error) {
    console.error(`--- bash scripts/start.sh output (tail)\n${command.output().slice(-5_000)}`);
    throw error;
  } finally {
    await db?.end();
    await stop(command, postmasterPid);
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Ctrl+C, as a person stops it (the app first, PostgreSQL last). If that hangs: SIGKILL to the
 * server and a fast shutdown (SIGINT) to the postmaster it would have stopped.
 */
async function stop(command: StartCommand, postmasterPid: number | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([command.interrupt(), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    console.error(`bash scripts/start.sh did not stop within ${STOP_TIMEOUT_MS} ms: killed`);
    await command.kill();
    if (postmasterPid !== undefined) {
      try {
        process.kill(postmasterPid, 'SIGINT');
      } catch {
        // Already gone.
      }
    }
  }
}
