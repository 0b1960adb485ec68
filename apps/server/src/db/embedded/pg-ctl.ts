/**
 * initdb and pg_ctl, run as the PostgreSQL user. Each runs in a process group of its own, and
 * pg_ctl starts the postmaster in a session of its own: a Ctrl+C in the terminal reaches only
 * Node, which stops the app first and the database last. The flip side: a killed Node leaves
 * the postmaster running, which the next start finds and stops (see postmaster-pid.ts).
 */
import { spawn } from 'node:child_process';
import { chown, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine/errors';
import { binary, type PostgresDistribution } from './postgres-distribution.ts';
import { type RunAs, spawnIdentity } from './postgres-user.ts';

export const SUPERUSER = 'postgres';
const START_TIMEOUT_S = 60;

export type ClusterTarget = {
  distribution: PostgresDistribution;
  clusterDir: string;
  runAs: RunAs;
};

export class PgCommandError extends PatchbayError {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super('PG_COMMAND_FAILED', `${command} failed: ${output.trim() || '(no output)'}`);
  }
}

/** Creates the cluster, its superuser protected by `password`; `clusterDir` must be empty. */
export async function initCluster(target: ClusterTarget, password: string): Promise<void> {
  const { runAs, clusterDir } = target;
  // initdb reads the password from a file; that file must be the PostgreSQL user's alone.
  const scratch = await mkdtemp(path.join(path.dirname(clusterDir), '.initdb-'));
  try {
    const passwordFile = path.join(scratch, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(scratch, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    await runAsPostgres(target, binary(target.distribution, 'initdb'), [
      `--pgdata=${clusterDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // Byte-order collation and full Unicode character classes, independent of the OS's locales.
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function serverLogFile(clusterDir: string): string {
  return path.join(clusterDir, 'postgresql.log');
}

/**
 * Starts the postmaster on 127.0.0.1:`port` only, with `settings` (name → value, no spaces), and
 * waits until it accepts connections.
 */
export async function startCluster(
  target: ClusterTarget,
  port: number,
  settings: Readonly<Record<string, string>> = {},
): Promise<void> {
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    // TCP only: no socket file in /tmp to collide with another PostgreSQL on the same port.
    "-c unix_socket_directories=''",
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  await runAsPostgres(target, binary(target.distribution, 'pg_ctl'), [
    'start',
    `--pgdata=${target.clusterDir}`,
    `--log=${serverLogFile(target.clusterDir)}`,
    `--options=${serverOptions}`,
    '--wait',
    `--timeout=${START_TIMEOUT_S}`,
    '--silent',
  ]);
}

/** Fast shutdown (sessions are ended, nothing is lost), waiting until the postmaster is gone. */
export async function stopCluster(target: ClusterTarget): Promise<void> {
  await runAsPostgres(target, binary(target.distribution, 'pg_ctl'), [
    'stop',
    `--pgdata=${target.clusterDir}`,
    '--mode=fast',
    '--wait',
    '--timeout=60',
    '--silent',
  ]);
}

/** The last `bytes` of the server log, to explain a failed start. */
export async function serverLogTail(clusterDir: string, bytes = 2_000): Promise<string> {
  const handle = await open(serverLogFile(clusterDir), 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

function runAsPostgres(target: ClusterTarget, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...spawnIdentity(target.runAs),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: postgresEnvironment(),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new PgCommandError(
            `${path.basename(command)} ${args[0] ?? ''}`.trim(),
            output || `exit ${code ?? signal}`,
          ),
        );
    });
  });
}

/** PG* variables of the caller (PGDATA, PGPORT, …) must not redirect the embedded cluster. */
function postgresEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG')) env[key] = value;
  }
  env.LC_MESSAGES = 'C';
  return env;
}
