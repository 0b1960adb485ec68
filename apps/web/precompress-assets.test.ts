import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { precompressFiles } from './precompress-assets.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'patchbay-precompress-'));
  await mkdir(path.join(dir, 'assets'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('precompressFiles', () => {
  it('writes Brotli and gzip copies beside text files that decode to the original', async () => {
    const script = `export const x = ${JSON.stringify('abc '.repeat(2000))};`;
    await writeFile(path.join(dir, 'assets', 'index-1.js'), script);
    const [result] = await precompressFiles(dir, ['assets/index-1.js']);
    expect(result?.brotliBytes).toBeLessThan(script.length / 10);
    const br = await readFile(path.join(dir, 'assets', 'index-1.js.br'));
    const gz = await readFile(path.join(dir, 'assets', 'index-1.js.gz'));
    expect(brotliDecompressSync(br).toString()).toBe(script);
    expect(gunzipSync(gz).toString()).toBe(script);
  });

  it('leaves small files, binary files and source maps alone', async () => {
    await writeFile(path.join(dir, 'assets', 'tiny.js'), 'export {};');
    await writeFile(path.join(dir, 'assets', 'logo.png'), Buffer.alloc(4096, 1));
    await writeFile(path.join(dir, 'assets', 'index-1.js.map'), 'x'.repeat(4096));
    const written = await precompressFiles(dir, [
      'assets/tiny.js',
      'assets/logo.png',
      'assets/index-1.js.map',
    ]);
    expect(written).toEqual([]);
    expect((await readdir(path.join(dir, 'assets'))).sort()).toEqual([
      'index-1.js.map',
      'logo.png',
      'tiny.js',
    ]);
  });
});
