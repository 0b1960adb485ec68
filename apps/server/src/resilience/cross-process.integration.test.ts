/**
 * Two real worker processes (test-support/upstream-guard-worker.ts), each with its own
 * PostgresUpstreamGuard and pool, share one breaker and one rate limit through the test database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type BreakerPolicy, DEFAULT_BREAKER_POLICY, type RateLimitPolicy } from '@patchbay/engine';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../db/prisma-client.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.ts';
import type { WorkerResult } from '../test-support/upstream-guard-worker.ts';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const workerScript = fileURLToPath(
  new URL('../test-support/upstream-guard-worker.ts', import.meta.url),
);

let database: TestDatabase;
let prisma: PrismaClient;
const workers: Worker[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

type WorkerCommand = {
  mode: 'fail-until-open' | 'call-once' | 'hammer';
  call: { target: string; breaker: BreakerPolicy; rateLimit?: RateLimitPolicy };
  upstreamUrl?: string;
  maxCalls?: number;
  durationMs?: number;
};

type Worker = {
  ready: Promise<void>;
  /** Sends the start signal; resolves with the worker's result line. */
  go(): Promise<WorkerResult>;
  stop(): Promise<void>;
};

function startWorker(command: WorkerCommand): Worker {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', workerScript, JSON.stringify({ databaseUrl: database.url, ...command })],
    { cwd: serverDir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const lineWaiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const line of stdout.split('\n').slice(0, -1)) {
      const index = lineWaiters.findIndex((waiter) => waiter.test(line));
      if (index >= 0) lineWaiters.splice(index, 1)[0]?.resolve(line);
    }
    stdout = stdout.slice(stdout.lastIndexOf('\n') + 1);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const nextLine = (test: (line: string) => boolean, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker gave no expected line in ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
      const done = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      lineWaiters.push({ test, resolve: done });
      void exited.then(() =>
        reject(new Error(`worker exited with code ${child.exitCode}:\n${stderr}`)),
      );
    });

  const ready = nextLine((line) => line === 'ready', 45_000).then(() => undefined);
  const worker: Worker = {
    ready,
    async go() {
      const result = nextLine((line) => line.startsWith('{'), 20_000);
      child.stdin?.write('go\n');
      return JSON.parse(await result) as WorkerResult;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  workers.push(worker);
  return worker;
}

async function failingUpstream(): Promise<{ server: Server; url: string; requests(): number }> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/`, requests: () => requests };
}

describe('PostgresUpstreamGuard across processes', () => {
  it('opens the breaker for every worker: B fails fast without calling after A trips it', async () => {
    const upstream = await failingUpstream();
    try {
      const call = {
        target: upstream.url,
        breaker: { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 3, openDurationMs: 60_000 },
      };
      const a = startWorker({ mode: 'fail-until-open', call, upstreamUrl: upstream.url });
      const b = startWorker({ mode: 'call-once', call, upstreamUrl: upstream.url });
      await Promise.all([a.ready, b.ready]);

      const resultA = await a.go();
      expect(resultA).toEqual({
        mode: 'fail-until-open',
        upstreamCalls: 3,
        decisions: ['proceed', 'proceed', 'proceed', 'open:open'],
      });

      const resultB = await b.go();
      expect(resultB).toEqual({ mode: 'call-once', upstreamCalls: 0, decisions: ['open:open'] });
      expect(upstream.requests()).toBe(3);

      const transitions = await prisma.breakerTransition.findMany({
        where: { target: upstream.url },
      });
      expect(transitions.map((t) => `${t.fromState}->${t.toState}: ${t.reason}`)).toEqual([
        'closed->open: 3 consecutive failures',
      ]);
    } finally {
      upstream.server.close();
    }
  }, 90_000);

  it('shares one rate limit: two workers hammering for 3 s get limit * seconds + burst', async () => {
    const limit = 50;
    const seconds = 3;
    const burst = 1;
    const call = {
      target: 'https://rate-limited.example.test:443',
      breaker: DEFAULT_BREAKER_POLICY,
      rateLimit: { limit, periodMs: 1_000, burst, maxWaitMs: 0 },
    };
    const a = startWorker({ mode: 'hammer', call, durationMs: seconds * 1_000 });
    const b = startWorker({ mode: 'hammer', call, durationMs: seconds * 1_000 });
    await Promise.all([a.ready, b.ready]);

    const results = await Promise.all([a.go(), b.go()]);
    const proceeded = results.map((result) => (result.mode === 'hammer' ? result.proceeded : 0));
    const total = proceeded[0]! + proceeded[1]!;
    const expected = limit * seconds + burst;
    expect(Math.abs(total - expected), JSON.stringify(results)).toBeLessThanOrEqual(expected * 0.1);
    // Both really competed for the same tokens.
    expect(proceeded[0]).toBeGreaterThan(0);
    expect(proceeded[1]).toBeGreaterThan(0);
    for (const result of results) {
      if (result.mode !== 'hammer') throw new Error('unreachable');
      expect(result.waits).toBeGreaterThan(result.proceeded);
      expect(result.opens).toBe(0);
    }
  }, 90_000);
});
