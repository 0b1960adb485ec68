/**
 * The default install as the API benchmarks load it: `bash scripts/start.sh` as the README has it
 * (one process, embedded PostgreSQL, a fresh data directory), signed in, with an API token and
 * the 3-node pipeline flow imported. Shared by `pnpm bench api` and `pnpm bench memory`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { freePort, TEST_ADMIN } from '../support/server-process.ts';
import { runStartCommand, type StartCommand } from '../support/start-command.ts';
import { findEmbeddedCluster } from './embedded-cluster.ts';
import type { TreeRoots } from './process-tree.ts';

export type BenchInstall = {
  baseUrl: string;
  /** An API token (pb_…, role editor): bearer requests need no Origin header. */
  token: string;
  flowId: string;
  /** The benchmark's own session on the embedded `patchbay` database, as the superuser. */
  db: pg.Client;
  /** The server (Node), the postmaster, and the benchmark's backend left out. */
  roots: TreeRoots;
  command: StartCommand;
};

const STOP_TIMEOUT_MS = 60_000;

/**
 * Starts the install, runs `body` against it, then stops it (Ctrl+C) and deletes its data. On a
 * failure the tail of the start command's output is printed. `env` is laid over the start
 * command's environment.
 */
export async function withBenchInstall<T>(
  options: { name: string; env?: Record<string, string | undefined> },
  body: (install: BenchInstall) => Promise<T>,
): Promise<T> {
  const root = await mkdtemp(path.join(os.tmpdir(), `patchbay-bench-${options.name}-`));
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
    ...options.env,
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
    const { token } = await api.tokens.create.mutate({
      name: `pnpm bench ${options.name}`,
      role: 'editor',
    });
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
    return await body({ baseUrl, token, flowId, db, roots, command });
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
