/**
 * Starts real Patchbay processes as children: the server (production mode, built web app) and
 * worker-only processes (`--role=worker`), as they are deployed. Workers can be killed with
 * SIGKILL to test crash recovery.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const serverDir = fileURLToPath(new URL('../../apps/server/', import.meta.url));

export type Credentials = { email: string; password: string };

/** The owner every test server is started with (PATCHBAY_ADMIN_EMAIL / _PASSWORD). */
export const TEST_ADMIN: Credentials = {
  email: 'admin@patchbay.test',
  password: 'patchbay test password',
};

export type ServerProcess = {
  baseUrl: string;
  /** The owner's credentials (from PATCHBAY_ADMIN_EMAIL / _PASSWORD). */
  admin: Credentials;
  output(): string;
  stop(): Promise<void>;
};

export type WorkerProcess = {
  pid: number;
  output(): string;
  /** SIGTERM and wait (graceful); SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-run, as in a crash. */
  kill(): Promise<void>;
  readonly exited: boolean;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

type Spawned = { child: ChildProcess; output: () => string };

/** The credentials vault's key for test servers (32 bytes, base64). */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 'patchbay-e2e').toString('base64');

function spawnPatchbay(args: string[], env: Record<string, string>): Spawned {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: serverDir,
    // Tests' upstreams listen on 127.0.0.1; Patchbay's own ports there stay denied.
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PATCHBAY_EGRESS_ALLOW: '127.0.0.1',
      // Tests queue runs deliberately (workers killed, started late): that is not overload.
      // Tests of load shedding set their own limits.
      PATCHBAY_MAX_QUEUED_RUNS: '1000000',
      PATCHBAY_MAX_QUEUE_WAIT_MS: '3600000',
      // One vault key for every process of a test (else each would generate a key file in .data/).
      PATCHBAY_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    // Keep memory bounded in long soaks: the tail is what explains a failure.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { child, output: () => output };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
    if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** The server with its API and web app. `role` defaults to the all-in-one process. */
export async function startServer(
  env: Record<string, string>,
  options: { role?: 'all' | 'server' } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const args = options.role ? [`--role=${options.role}`] : [];
  const admin = {
    email: env.PATCHBAY_ADMIN_EMAIL ?? TEST_ADMIN.email,
    password: env.PATCHBAY_ADMIN_PASSWORD ?? TEST_ADMIN.password,
  };
  const { child, output } = spawnPatchbay(args, {
    PORT: String(port),
    PATCHBAY_ADMIN_EMAIL: admin.email,
    PATCHBAY_ADMIN_PASSWORD: admin.password,
    ...env,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const response = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
      return response?.ok === true;
    },
    child,
    output,
    'server did not become healthy',
  );
  return { baseUrl, admin, output, stop: () => stopChild(child, 'SIGTERM') };
}

/** A worker-only process; ready once it has registered its heartbeat in the database. */
export async function startWorker(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const { child, output } = spawnPatchbay(['--role=worker'], { DATABASE_URL: databaseUrl, ...env });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`worker did not start:\n${output()}`);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await waitFor(
      async () => {
        const { rowCount } = await db.query(
          `SELECT 1 FROM workers WHERE pid = $1 AND heartbeat_at > now() - interval '30 seconds'`,
          [pid],
        );
        return (rowCount ?? 0) > 0;
      },
      child,
      output,
      'worker did not register',
    );
  } finally {
    await db.end();
  }
  return {
    pid,
    output,
    stop: () => stopChild(child, 'SIGTERM'),
    kill: () => stopChild(child, 'SIGKILL'),
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
  };
}

async function waitFor(
  ready: () => Promise<boolean>,
  child: ChildProcess,
  output: () => string,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`process exited with code ${child.exitCode}:\n${output()}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} within 60 s:\n${output()}`);
}
