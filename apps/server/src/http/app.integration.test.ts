import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EgressGuard } from '@patchbay/egress';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app-services.ts';
import { createPgPool } from '../db/pg-pool.ts';
import { createPrismaClient } from '../db/prisma-client.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { createApp } from './app.ts';

let t: TestApp;
let distDir: string;

beforeAll(async () => {
  distDir = await mkdtemp(path.join(tmpdir(), 'patchbay-web-dist-'));
  await mkdir(path.join(distDir, 'assets'));
  await writeFile(path.join(distDir, 'index.html'), '<!doctype html><title>Patchbay</title>');
  await writeFile(path.join(distDir, 'assets', 'app-1234.js'), 'console.log("patchbay")');
  t = await startTestApp({ webDistDir: distDir });
});
afterAll(async () => {
  await t?.close();
  await rm(distDir, { recursive: true, force: true });
});

describe('GET /healthz', () => {
  it('reports ok when the database answers', async () => {
    const response = await fetch(`${t.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      database: 'reachable',
      load: { shedding: false, reason: null, queuedRuns: 0, oldestWaitMs: 0 },
    });
  });

  it('answers 503 when the database is unreachable', async () => {
    const logger = pino({ level: 'silent' });
    const nowhere = 'postgresql://postgres@127.0.0.1:1/nowhere';
    const prisma = createPrismaClient(nowhere);
    const pgPool = createPgPool(nowhere, logger);
    const app = await createApp({
      services: createAppServices({
        prisma,
        pgPool,
        logger,
        egress: await EgressGuard.create(),
        fetch: globalThis.fetch,
      }),
      logger,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: 'error', database: 'unreachable' });
    } finally {
      await app.close();
      await prisma.$disconnect();
      await pgPool.end();
    }
  });
});

describe('serving the web app', () => {
  it('serves built files, with long caching for fingerprinted assets', async () => {
    const response = await fetch(`${t.baseUrl}/assets/app-1234.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('patchbay');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('falls back to index.html for client-side routes', async () => {
    for (const url of ['/', '/flows/123', '/runs?status=failed']) {
      const response = await fetch(`${t.baseUrl}${url}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<title>Patchbay</title>');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('answers 404 for missing files and unknown API procedures', async () => {
    expect((await fetch(`${t.baseUrl}/assets/missing.js`)).status).toBe(404);
    const api = await fetch(`${t.baseUrl}/trpc/flows.nothing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { data: { code: 'NOT_FOUND' } } });
  });

  it('says clearly when the web app has not been built', async () => {
    const logger = pino({ level: 'silent' });
    const app = await createApp({
      services: t.services,
      logger,
      webDistDir: path.join(distDir, 'does-not-exist'),
      // inject() sends Host: localhost:80 to a server that is not listening.
      publicUrl: new URL('http://localhost'),
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/flows' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('pnpm --filter @patchbay/web build');
    } finally {
      await app.close();
    }
  });
});
