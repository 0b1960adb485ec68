/**
 * Runs PostgreSQL for Patchbay when no DATABASE_URL is given, so that the first start on a fresh
 * machine needs nothing else installed. The start survives a crash: a postmaster left running by
 * a killed Patchbay is stopped and started again, while a live Patchbay on the same data
 * directory makes this one refuse. The database listens on 127.0.0.1 only, and its superuser
 * password is random and kept in a 0600 file.
 */
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine/errors';
import pg from 'pg';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { DEFAULT_FALLBACK_DIR, resolveLayout } from './embedded-layout.ts';
import {
  type ClusterTarget,
  initCluster,
  PgCommandError,
  SUPERUSER,
  serverLogFile,
  serverLogTail,
  startCluster,
  stopCluster,
} from './pg-ctl.ts';
import { bundledDistribution, type PostgresDistribution } from './postgres-distribution.ts';
import { postgresRunAs, type RunAs } from './postgres-user.ts';
import { postmasterPidFile, readPostmasterState } from './postmaster-pid.ts';
import { isAlive, waitForExit } from './process-identity.ts';
import { embeddedServerSettings } from './server-settings.ts';
import {
  generatePassword,
  passwordFilePath,
  settlePassword,
  writePasswordFile,
} from './superuser-password.ts';

export const EMBEDDED_DATABASE_NAME = 'patchbay';
export const DEFAULT_EMBEDDED_PORT = 54329;
/** The server log is set aside at start-up once it is this large. */
const SERVER_LOG_MAX_BYTES = 10 * 1024 * 1024;

export type EmbeddedDatabaseLogger = {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
};

export type EmbeddedDatabase = {
  connectionString: string;
  port: number;
  /** The PostgreSQL cluster: PATCHBAY_DATA_DIR/postgres, or its fallback location. */
  clusterDir: string;
  /** PID of the postmaster. */
  pid: number;
  /** True when this start created the cluster (first run). */
  initialised: boolean;
  /** Stops PostgreSQL (fast shutdown, waited for) and releases the data directory. */
  stop(): Promise<void>;
};

export class EmbeddedDatabaseError extends PatchbayError {}

export async function startEmbeddedDatabase(options: {
  /** PATCHBAY_DATA_DIR. */
  dataDir: string;
  port: number;
  /** PATCHBAY_DB_FALLBACK_DIR: used as root when the postgres user cannot reach dataDir. */
  fallbackDir?: string | undefined;
  /** The binaries to run; the ones bundled for this platform unless given. */
  distribution?: PostgresDistribution;
  /** max_connections; PostgreSQL's default (100) unless given. */
  maxConnections?: number | undefined;
  logger: EmbeddedDatabaseLogger;
}): Promise<EmbeddedDatabase> {
  const { port, logger } = options;
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const lock = await acquireDataDirLock(dataDir);
  try {
    const runAs = await postgresRunAs();
    const layout = await resolveLayout({
      dataDir,
      fallbackDir: options.fallbackDir ?? DEFAULT_FALLBACK_DIR,
      runAs,
      bundled: options.distribution ?? (await bundledDistribution()),
      logger,
    });
    const target: ClusterTarget = { ...layout, runAs };
    const { clusterDir } = target;
    await stopLeftoverPostmaster(target, logger);

    const passwordFile = passwordFilePath(clusterDir);
    const initialised = !existsSync(path.join(clusterDir, 'PG_VERSION'));
    let newPassword: string | undefined;
    if (initialised) {
      logger.info({ clusterDir }, 'Creating the embedded PostgreSQL cluster (first start)');
      await createClusterDir(clusterDir, runAs);
      newPassword = generatePassword();
      await writePasswordFile(passwordFile, newPassword);
      await initCluster(target, newPassword);
    }

    await setAsideLargeServerLog(clusterDir);
    const settings = embeddedServerSettings(
      options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections },
    );
    await startClusterOrExplain(target, port, settings);
    let password: string;
    try {
      password =
        newPassword ??
        (await settlePassword(
          passwordFile,
          (candidate) => acceptsPassword(port, candidate),
          (current, next) => alterSuperuserPassword(port, current, next),
        ));
      await ensureDatabase(connectionUrl(port, password, 'postgres'), EMBEDDED_DATABASE_NAME);
    } catch (error) {
      await stopCluster(target).catch(() => undefined);
      throw error;
    }
    const postmaster = await readPostmasterState(clusterDir);
    const pid = postmaster.state === 'running' ? postmaster.pid : 0;

    // If Node exits without stop() (a forced exit, an uncaught error), PostgreSQL is asked to
    // shut down rather than left running. kill -9 of Node skips this; the next start handles it.
    let stopped = false;
    const onExit = () => {
      if (stopped) return;
      try {
        if (pid > 0) process.kill(pid, 'SIGINT');
      } catch {
        // Already gone.
      }
      lock.releaseSync();
    };
    process.on('exit', onExit);

    let stopping: Promise<void> | undefined;
    return {
      connectionString: connectionUrl(port, password, EMBEDDED_DATABASE_NAME),
      port,
      clusterDir,
      pid,
      initialised,
      stop: () => {
        stopping ??= (async () => {
          try {
            // Someone may have stopped it already; pg_ctl would call that an error.
            if ((await readPostmasterState(clusterDir)).state === 'running') {
              await stopCluster(target);
            }
            // pg_ctl returns when postmaster.pid is gone; the process exits a moment later.
            await waitForExit(pid, 10_000);
            stopped = true;
            process.off('exit', onExit);
          } finally {
            await lock.release();
          }
          logger.debug({ clusterDir }, 'Embedded PostgreSQL stopped');
        })();
        return stopping;
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * A postmaster still running on the cluster was left by a Patchbay that died without stopping
 * it (this process holds the data directory's lock, so its owner is gone): stop it cleanly.
 */
async function stopLeftoverPostmaster(
  target: ClusterTarget,
  logger: EmbeddedDatabaseLogger,
): Promise<void> {
  const postmaster = await readPostmasterState(target.clusterDir);
  if (postmaster.state === 'running') {
    logger.info(
      { pid: postmaster.pid, clusterDir: target.clusterDir },
      'Stopping the embedded PostgreSQL left running by a Patchbay that did not shut down',
    );
    try {
      await stopCluster(target);
      await waitForExit(postmaster.pid, 10_000);
    } catch (error) {
      throw new EmbeddedDatabaseError(
        'EMBEDDED_DATABASE_LEFTOVER',
        `A PostgreSQL (pid ${postmaster.pid}) left running on ${target.clusterDir} could not be ` +
          `stopped: stop it (kill -INT ${postmaster.pid}), then start Patchbay again.`,
        { cause: error },
      );
    }
  } else if (postmaster.state === 'stale' && isAlive(postmaster.pid)) {
    // Its PID now belongs to another program; PostgreSQL would take that for a live postmaster.
    await rm(postmasterPidFile(target.clusterDir), { force: true });
  }
}

async function createClusterDir(clusterDir: string, runAs: RunAs): Promise<void> {
  await mkdir(clusterDir, { recursive: true });
  if (runAs) await chown(clusterDir, runAs.uid, runAs.gid);
  await chmod(clusterDir, 0o700);
}

async function setAsideLargeServerLog(clusterDir: string): Promise<void> {
  const log = serverLogFile(clusterDir);
  const size = await stat(log).then(
    (s) => s.size,
    () => 0,
  );
  if (size > SERVER_LOG_MAX_BYTES) await rename(log, `${log}.1`);
}

async function startClusterOrExplain(
  target: ClusterTarget,
  port: number,
  settings: Record<string, string>,
): Promise<void> {
  try {
    await startCluster(target, port, settings);
  } catch (error) {
    if (!(error instanceof PgCommandError)) throw error;
    const log = await serverLogTail(target.clusterDir);
    const message = /could not bind|Address already in use/i.test(log)
      ? `The embedded PostgreSQL could not listen on 127.0.0.1:${port}, which something else ` +
        'uses: set PATCHBAY_DB_PORT to a free port, or DATABASE_URL to your own PostgreSQL.'
      : `The embedded PostgreSQL did not start; its log ${serverLogFile(target.clusterDir)} ` +
        `says why:\n${lastLines(log, 5)}`;
    throw new EmbeddedDatabaseError('EMBEDDED_DATABASE_START_FAILED', message, { cause: error });
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function connectionUrl(port: number, password: string, database: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function acceptsPassword(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: connectionUrl(port, password, 'postgres') });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false; // invalid_password
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function alterSuperuserPassword(port: number, current: string, next: string) {
  const client = new pg.Client({ connectionString: connectionUrl(port, current, 'postgres') });
  await client.connect();
  try {
    await client.query(
      `ALTER ROLE ${client.escapeIdentifier(SUPERUSER)} PASSWORD ${client.escapeLiteral(next)}`,
    );
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE has no IF NOT EXISTS; tolerate a concurrent creator (duplicate_database). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error) => {
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
