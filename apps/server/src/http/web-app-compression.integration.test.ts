/**
 * Issue 9: the web app's files go out precompressed (Brotli or gzip, as the client accepts),
 * with Content-Encoding, Vary: Accept-Encoding, and cache headers by kind of file.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
let distDir: string;
const script = `export const greeting = ${JSON.stringify('patchbay '.repeat(500))};\n`;
const page = `<!doctype html><title>Patchbay</title>${'<!-- padding -->'.repeat(100)}`;

async function writeWithCopies(file: string, content: string) {
  await writeFile(file, content);
  await writeFile(`${file}.br`, brotliCompressSync(content));
  await writeFile(`${file}.gz`, gzipSync(content));
}

beforeAll(async () => {
  distDir = await mkdtemp(path.join(tmpdir(), 'patchbay-web-compressed-'));
  await mkdir(path.join(distDir, 'assets'));
  await writeWithCopies(path.join(distDir, 'index.html'), page);
  await writeWithCopies(path.join(distDir, 'assets', 'index-abc123.js'), script);
  // Small files have no copies: the build skips them.
  await writeFile(path.join(distDir, 'assets', 'runtime-def456.js'), 'export {};');
  t = await startTestApp({ webDistDir: distDir, worker: false, triggers: false });
});
afterAll(async () => {
  await t?.close();
  await rm(distDir, { recursive: true, force: true });
});

/** A raw GET (fetch would ask for every encoding and decode the body itself). */
function get(
  url: string,
  acceptEncoding?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${t.baseUrl}${url}`,
      { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

describe('compressed web app files', () => {
  it('sends the Brotli copy of an asset to a client that accepts br', async () => {
    const response = await get('/assets/index-abc123.js', 'gzip, deflate, br');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body.byteLength).toBeLessThan(Buffer.byteLength(script) / 5);
    expect(brotliDecompressSync(response.body).toString()).toBe(script);
  });

  it('sends the gzip copy to a client that accepts only gzip', async () => {
    const response = await get('/assets/index-abc123.js', 'gzip');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(response.body).toString()).toBe(script);
  });

  it('sends the plain file to a client that accepts no encoding', async () => {
    for (const acceptEncoding of [undefined, 'identity']) {
      const response = await get('/assets/index-abc123.js', acceptEncoding);
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers.vary).toMatch(/accept-encoding/i);
      expect(response.body.toString()).toBe(script);
    }
  });

  it('sends a file without copies as it is', async () => {
    const response = await get('/assets/runtime-def456.js', 'br, gzip');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body.toString()).toBe('export {};');
  });

  it('compresses index.html, for the root and for client-side routes, and never caches it', async () => {
    for (const url of ['/', '/index.html', '/flows/123']) {
      const response = await get(url, 'br');
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe('br');
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(brotliDecompressSync(response.body).toString()).toBe(page);
    }
  });

  it('answers 404 for a missing asset whatever the encoding', async () => {
    expect((await get('/assets/missing-000.js', 'br')).status).toBe(404);
  });
});
