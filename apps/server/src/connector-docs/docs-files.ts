/** Writes the generated docs into a folder, and tells which committed files differ from them. */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocsFile } from './connector-docs.ts';

async function markdownFilesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Writes every file and removes markdown files no connector generates any more. */
export async function writeDocsFiles(dir: string, files: readonly DocsFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = new Set(files.map((file) => file.name));
  for (const name of await markdownFilesIn(dir)) {
    if (!names.has(name)) await rm(path.join(dir, name));
  }
  for (const file of files) await writeFile(path.join(dir, file.name), file.markdown);
}

/** Names of files that are missing, out of date, or no longer generated. Empty: up to date. */
export async function staleDocsFiles(dir: string, files: readonly DocsFile[]): Promise<string[]> {
  const stale: string[] = [];
  for (const file of files) {
    const committed = await readFile(path.join(dir, file.name), 'utf8').catch(() => undefined);
    if (committed !== file.markdown) stale.push(file.name);
  }
  const names = new Set(files.map((file) => file.name));
  for (const name of await markdownFilesIn(dir)) if (!names.has(name)) stale.push(name);
  return stale;
}
