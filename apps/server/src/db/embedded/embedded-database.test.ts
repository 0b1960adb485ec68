import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from './data-dir-lock.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database.ts';
import { startCluster, stopCluster } from './pg-ctl.ts';
import { bundledDistribution, copyDistribution } from './postgres-distribution.ts';
import { postgresRunAs } from './postgres-user.ts';
import { isAlive } from './process-identity.ts';
import { LEGACY_PASSWORD, PASSWORD_FILE_NAME } from './superuser-password.ts';

const logger = { info: () => {}, debug: () => {} };
const dirs: string[] = [];
const running: EmbeddedDatabase[] = [];

afterAll(async () => {
  for (const database of running) await database.stop().catch(() => undefined);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A temporary folder the unprivileged postgres user (when running as root) can reach. */
async function reachableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(dir);
  await chmod(dir, 0o755);
  return dir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function start(
  dataDir: string,
  port: number,
  extra: { fallbackDir?: string; maxConnections?: number } = {},
) {
  const database = await startEmbeddedDatabase({ dataDir, port, logger, ...extra });
  running.push(database);
  return database;
}

async function queryOnce<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

describe('startEmbeddedDatabase', () => {
  it('initialises a cluster once, creates the database and keeps data across restarts', async () => {
    const dataDir = await reachableTempDir('patchbay-data-');
    const port = await freePort();

    const first = await start(dataDir, port);
    expect(first.initialised).toBe(true);
    expect(first.clusterDir).toBe(path.join(dataDir, 'postgres'));
    expect(first.connectionString).toContain(`@127.0.0.1:${port}/patchbay`);
    await queryOnce(first.connectionString, 'CREATE TABLE kept (value TEXT)');
    await queryOnce(first.connectionString, "INSERT INTO kept VALUES ('still here')");
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);

    const second = await start(dataDir, port);
    expect(second.initialised).toBe(false);
    expect(await queryOnce(second.connectionString, 'SELECT value FROM kept')).toEqual([
      { value: 'still here' },
    ]);
    await second.stop();
  }, 60_000);

  it('allows the connections it is asked for and runs no replication launcher', async () => {
    const dataDir = await reachableTempDir('patchbay-data-');
    const database = await start(dataDir, await freePort(), { maxConnections: 150 });

    expect(await queryOnce(database.connectionString, 'SHOW max_connections')).toEqual([
      { max_connections: '150' },
    ]);
    expect(
      await queryOnce(
        database.connectionString,
        `SELECT count(*)::int AS launchers FROM pg_stat_activity
          WHERE backend_type = 'logical replication launcher'`,
      ),
    ).toEqual([{ launchers: 0 }]);
    await database.stop();
  }, 60_000);

  it('generates the superuser password, keeps it in a 0600 file and listens on 127.0.0.1 only', async () => {
    const dataDir = await reachableTempDir('patchbay-data-');
    const database = await start(dataDir, await freePort());

    const passwordFile = path.join(dataDir, PASSWORD_FILE_NAME);
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect(new URL(database.connectionString).password).not.toBe(LEGACY_PASSWORD);
    expect(new URL(database.connectionString).password.length).toBeGreaterThanOrEqual(40);
    await expect(
      queryOnce(withPassword(database.connectionString, LEGACY_PASSWORD), 'SELECT 1'),
    ).rejects.toMatchObject({ code: '28P01' });
    expect(await queryOnce(database.connectionString, 'SHOW listen_addresses')).toEqual([
      { listen_addresses: '127.0.0.1' },
    ]);
    await database.stop();
  }, 60_000);

  it('replaces the constant password of a cluster made by an earlier version', async () => {
    const dataDir = await reachableTempDir('patchbay-data-');
    const port = await freePort();
    const clusterDir = path.join(dataDir, 'postgres');
    const target = {
      distribution: await bundledDistribution(),
      clusterDir,
      runAs: await postgresRunAs(),
    };
    // What earlier versions left: a cluster whose superuser password is the constant, no file.
    const created = await start(dataDir, port);
    await created.stop();
    await startCluster(target, port);
    const admin = new URL(created.connectionString);
    admin.pathname = '/postgres';
    await queryOnce(admin.toString(), `ALTER ROLE postgres PASSWORD '${LEGACY_PASSWORD}'`);
    await stopCluster(target);
    await rm(path.join(dataDir, PASSWORD_FILE_NAME));

    const upgraded = await start(dataDir, port);
    const password = new URL(upgraded.connectionString).password;
    expect(password).not.toBe(LEGACY_PASSWORD);
    expect((await stat(path.join(dataDir, PASSWORD_FILE_NAME))).mode & 0o777).toBe(0o600);
    expect(await queryOnce(upgraded.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await expect(
      queryOnce(withPassword(upgraded.connectionString, LEGACY_PASSWORD), 'SELECT 1'),
    ).rejects.toMatchObject({ code: '28P01' });
    await upgraded.stop();
  }, 60_000);

  it('refuses a second start on a data directory that a live Patchbay holds', async () => {
    const dataDir = await reachableTempDir('patchbay-data-');
    const first = await start(dataDir, await freePort());
    await expect(start(dataDir, await freePort())).rejects.toBeInstanceOf(DataDirInUseError);
    // The refused start touched nothing: the first still serves.
    expect(await queryOnce(first.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await first.stop();
  }, 60_000);

  it.skipIf(process.getuid?.() !== 0)(
    'as root, keeps binaries and data where the postgres user can reach them when the clone is in a 0700 folder',
    async () => {
      // A home folder only root may enter, holding the clone's binaries and its data directory.
      const home = await mkdtemp(path.join(tmpdir(), 'patchbay-home-'));
      dirs.push(home);
      await chmod(home, 0o700);
      const clonedBinaries = await copyDistribution(
        await bundledDistribution(),
        path.join(home, 'clone', 'postgres-binaries'),
      );
      const dataDir = path.join(home, 'clone', '.data');
      const fallbackDir = path.join(await reachableTempDir('patchbay-fallback-'), 'patchbay');
      const port = await freePort();

      const options = { dataDir, port, logger, fallbackDir, distribution: clonedBinaries };
      const first = await startEmbeddedDatabase(options);
      running.push(first);
      expect(first.clusterDir.startsWith(`${fallbackDir}/`)).toBe(true);
      const fallbackHome = path.dirname(first.clusterDir);
      expect((await readdir(fallbackHome)).sort()).toEqual([
        `binaries-${clonedBinaries.version}`,
        'data-dir',
        'postgres',
        PASSWORD_FILE_NAME,
      ]);
      expect((await stat(path.join(fallbackHome, PASSWORD_FILE_NAME))).mode & 0o777).toBe(0o600);
      await queryOnce(first.connectionString, 'CREATE TABLE kept (value TEXT)');
      await first.stop();

      const second = await startEmbeddedDatabase(options);
      running.push(second);
      expect(second.clusterDir).toBe(first.clusterDir);
      expect(
        await queryOnce(second.connectionString, 'SELECT count(*)::int AS n FROM kept'),
      ).toEqual([{ n: 0 }]);
      await second.stop();
    },
    120_000,
  );
});
