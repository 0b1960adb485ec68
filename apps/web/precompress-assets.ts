/**
 * A build step that writes a Brotli (.br) and a gzip (.gz) copy next to every text file of the
 * build, once, at the highest levels; the server sends them as they are (@fastify/static's
 * `preCompressed`), so no CPU is spent compressing per request. Copies that save nothing are
 * not written.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|webmanifest)$/;
/** Below this, headers cost more than compression saves. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type CompressedFile = {
  file: string;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
};

/** Writes `<file>.br` and `<file>.gz` beside each compressible file in `files` (relative to `dir`). */
export async function precompressFiles(
  dir: string,
  files: readonly string[],
): Promise<CompressedFile[]> {
  const written: CompressedFile[] = [];
  for (const file of files) {
    if (!COMPRESSIBLE.test(file)) continue;
    const absolute = path.join(dir, file);
    const content = await readFile(absolute);
    if (content.byteLength < MIN_BYTES) continue;
    const [br, gz] = await Promise.all([
      brotli(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength,
        },
      }),
      gzipAsync(content, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    if (br.byteLength < content.byteLength) await writeFile(`${absolute}.br`, br);
    if (gz.byteLength < content.byteLength) await writeFile(`${absolute}.gz`, gz);
    written.push({
      file,
      bytes: content.byteLength,
      brotliBytes: br.byteLength,
      gzipBytes: gz.byteLength,
    });
  }
  return written;
}

export function precompressAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'patchbay:precompress-assets',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      await precompressFiles(outDir, Object.keys(bundle));
    },
  };
}
