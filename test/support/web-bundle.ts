/**
 * What the built web app (apps/web/dist) makes a browser download: the JavaScript of the first
 * load (the entry script and the chunks it imports statically) and of each route's page chunk,
 * read from Vite's manifest, with Brotli sizes as the server sends them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { z } from 'zod';

export const WEB_DIST = path.resolve(import.meta.dirname, '../../apps/web/dist');

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    name: z.string().optional(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
  }),
);
export type WebManifest = z.infer<typeof manifestSchema>;

/** The page module each route renders (apps/web/src/app/app.tsx). */
export const ROUTE_PAGES = {
  '/ (dashboard)': 'src/pages/dashboard-page.tsx',
  '/flows': 'src/pages/flow-list-page.tsx',
  '/flows/:id (editor)': 'src/pages/flow-editor-page.tsx',
  '/flows/:id/stats': 'src/pages/flow-stats-page.tsx',
  '/runs, /flows/:id/runs': 'src/pages/run-history-page.tsx',
  '/runs/:id': 'src/pages/run-detail-page.tsx',
  '/upstreams': 'src/pages/upstreams-page.tsx',
  '/credentials': 'src/pages/credentials-page.tsx',
  '/account': 'src/pages/account-page.tsx',
  '/tokens': 'src/pages/tokens-page.tsx',
  '/users': 'src/pages/users-page.tsx',
  '/audit': 'src/pages/audit-log-page.tsx',
} as const;

export function readManifest(dist = WEB_DIST): WebManifest {
  const file = path.join(dist, '.vite/manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `${file} is missing: build the web app first (pnpm --filter @patchbay/web build)`,
    );
  }
  return manifestSchema.parse(JSON.parse(text));
}

/** The manifest keys of `key` and every chunk it imports statically, transitively. */
export function staticClosure(manifest: WebManifest, key: string): Set<string> {
  const seen = new Set<string>();
  const visit = (current: string) => {
    if (seen.has(current)) return;
    const chunk = manifest[current];
    if (!chunk) throw new Error(`the web manifest has no chunk "${current}"`);
    seen.add(current);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(key);
  return seen;
}

export function entryKey(manifest: WebManifest): string {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  const [entry] = entries;
  if (entries.length !== 1 || !entry)
    throw new Error(`expected one entry, found ${entries.length}`);
  return entry[0];
}

/** The scripts index.html loads or preloads, as dist-relative paths. */
export function scriptsInIndexHtml(dist = WEB_DIST): string[] {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*\bsrc="\/([^"]+)"/g)].map((m) => m[1] ?? '');
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]*\bhref="\/([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  return [...scripts, ...preloads];
}

const brotliSizes = new Map<string, number>();
/** Brotli size (default quality, as precompress-assets.ts writes the .br files) of a dist file. */
export function brotliSize(file: string, dist = WEB_DIST): number {
  let size = brotliSizes.get(file);
  if (size === undefined) {
    size = brotliCompressSync(readFileSync(path.join(dist, file))).length;
    brotliSizes.set(file, size);
  }
  return size;
}

export type LoadSize = { files: string[]; brotliBytes: number };

export function loadSize(manifest: WebManifest, keys: Iterable<string>, dist = WEB_DIST): LoadSize {
  const files = [...keys].map((key) => manifest[key]?.file ?? '').filter(Boolean);
  return { files, brotliBytes: files.reduce((sum, file) => sum + brotliSize(file, dist), 0) };
}

/** The first load, and for each route the first load plus its page's chunks. */
export function routeLoads(manifest: WebManifest, dist = WEB_DIST) {
  const first = staticClosure(manifest, entryKey(manifest));
  const routes = Object.entries(ROUTE_PAGES).map(([route, page]) => {
    const keys = new Set([...first, ...staticClosure(manifest, page)]);
    return {
      route,
      page,
      chunkNames: chunkNames(manifest, keys),
      ...loadSize(manifest, keys, dist),
    };
  });
  return {
    first: { chunkNames: chunkNames(manifest, first), ...loadSize(manifest, first, dist) },
    routes,
  };
}

function chunkNames(manifest: WebManifest, keys: Iterable<string>): string[] {
  return [...keys].map((key) => manifest[key]?.name ?? key);
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
