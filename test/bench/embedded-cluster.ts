/**
 * Finds the embedded PostgreSQL that a started Patchbay runs, from the files the server keeps (see
 * apps/server/src/db/embedded/): the cluster in PATCHBAY_DATA_DIR/postgres or, as root when the
 * postgres user cannot reach that, PATCHBAY_DB_FALLBACK_DIR/<hash>/postgres; its superuser
 * password in `postgres-password` beside the cluster; PID and port in the cluster's postmaster.pid.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type EmbeddedCluster = {
  clusterDir: string;
  postmasterPid: number;
  /** The `patchbay` database, as the superuser. */
  connectionString: string;
};

export async function findEmbeddedCluster(options: {
  dataDir: string;
  fallbackDir: string;
}): Promise<EmbeddedCluster> {
  const fallbacks = await readdir(options.fallbackDir).catch(() => []);
  const candidates = [
    path.join(options.dataDir, 'postgres'),
    ...fallbacks.map((entry) => path.join(options.fallbackDir, entry, 'postgres')),
  ];
  for (const clusterDir of candidates) {
    const pidFile = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(
      () => undefined,
    );
    if (pidFile === undefined) continue;
    // postmaster.pid: PID, data directory, start time, port, socket directory, listen address, …
    const [pid, , , port] = pidFile.split('\n');
    const password = (
      await readFile(path.join(path.dirname(clusterDir), 'postgres-password'), 'utf8')
    ).trim();
    return {
      clusterDir,
      postmasterPid: Number(pid),
      connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(port)}/patchbay`,
    };
  }
  throw new Error(`no running embedded PostgreSQL in ${candidates.join(' or ')}`);
}
