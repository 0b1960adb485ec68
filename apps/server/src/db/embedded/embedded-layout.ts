/**
 * Where the embedded PostgreSQL's binaries and cluster live. Normally: the bundled binaries in
 * node_modules and the cluster in PATCHBAY_DATA_DIR/postgres. When Patchbay runs as root and the
 * unprivileged `postgres` user cannot reach those (a clone in a 0700 home folder), they are kept
 * in PATCHBAY_DB_FALLBACK_DIR/<hash of the data directory>/ instead, root-owned but traversable.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PatchbayError } from '@patchbay/engine/errors';
import { copyDistribution, type PostgresDistribution } from './postgres-distribution.ts';
import { canReach, type RunAs } from './postgres-user.ts';

export const DEFAULT_FALLBACK_DIR = '/var/lib/patchbay';
export const CLUSTER_DIR_NAME = 'postgres';

export type EmbeddedLayout = {
  distribution: PostgresDistribution;
  /** The PostgreSQL cluster (its PGDATA). */
  clusterDir: string;
};

export type LayoutLogger = { info(obj: object, msg: string): void };

export async function resolveLayout(options: {
  /** PATCHBAY_DATA_DIR; exists already. */
  dataDir: string;
  fallbackDir: string;
  runAs: RunAs;
  bundled: PostgresDistribution;
  logger: LayoutLogger;
}): Promise<EmbeddedLayout> {
  const { dataDir, runAs, bundled, logger } = options;
  const ownCluster = path.join(dataDir, CLUSTER_DIR_NAME);
  if (!runAs) return { distribution: bundled, clusterDir: ownCluster };

  const home = path.join(options.fallbackDir, await fallbackName(dataDir));
  const prepareHome = async () => {
    await prepareFallbackHome(options.fallbackDir, home, dataDir);
    if (!(await canReach(runAs, home))) {
      throw new PatchbayError(
        'EMBEDDED_DATABASE_UNREACHABLE',
        `The embedded PostgreSQL runs as user ${runAs.name}, which cannot reach ${home}: make ` +
          'that folder and those above it searchable by others (chmod o+x), or set ' +
          'PATCHBAY_DB_FALLBACK_DIR to a folder it can reach.',
      );
    }
  };

  let distribution = bundled;
  if (!(await canReach(runAs, path.join(bundled.root, 'bin', 'postgres')))) {
    await prepareHome();
    distribution = await copyDistribution(bundled, path.join(home, binariesName(bundled)));
    await removeOtherCopies(home, binariesName(bundled));
  }

  if (existsSync(path.join(ownCluster, 'PG_VERSION'))) {
    if (await canReach(runAs, ownCluster)) return { distribution, clusterDir: ownCluster };
    throw new PatchbayError(
      'EMBEDDED_DATABASE_UNREACHABLE',
      `The embedded PostgreSQL runs as user ${runAs.name}, which cannot reach its data in ` +
        `${ownCluster}: make the folders above it searchable by others (chmod o+x), or move it ` +
        `to ${path.join(home, CLUSTER_DIR_NAME)}.`,
    );
  }
  const fallbackCluster = path.join(home, CLUSTER_DIR_NAME);
  if (existsSync(path.join(fallbackCluster, 'PG_VERSION'))) {
    return { distribution, clusterDir: fallbackCluster };
  }
  if (await canReach(runAs, dataDir)) return { distribution, clusterDir: ownCluster };
  await prepareHome();
  logger.info(
    { clusterDir: fallbackCluster, dataDir, user: runAs.name },
    `User ${runAs.name} cannot reach ${dataDir}, so the embedded PostgreSQL keeps its data in ${fallbackCluster}`,
  );
  return { distribution, clusterDir: fallbackCluster };
}

/** A short, stable name for the data directory: the start of a hash of its real path. */
async function fallbackName(dataDir: string): Promise<string> {
  const real = await realpath(dataDir);
  return createHash('sha256').update(real).digest('hex').slice(0, 16);
}

function binariesName(distribution: PostgresDistribution): string {
  return `binaries-${distribution.version}`;
}

async function prepareFallbackHome(fallbackDir: string, home: string, dataDir: string) {
  // A fallback folder someone else created keeps its mode; ours are made traversable.
  if (await mkdir(fallbackDir, { recursive: true })) await chmod(fallbackDir, 0o755);
  await mkdir(home, { recursive: true });
  await chmod(home, 0o755);
  // For whoever looks in the fallback folder: which Patchbay data directory this belongs to.
  await writeFile(path.join(home, 'data-dir'), `${dataDir}\n`);
}

async function removeOtherCopies(home: string, keep: string) {
  for (const entry of await readdir(home)) {
    if (entry.startsWith('binaries-') && entry !== keep) {
      await rm(path.join(home, entry), { recursive: true, force: true });
    }
  }
}
