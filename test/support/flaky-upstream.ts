/**
 * A loopback HTTP server that plays a flaky third-party API for resilience tests. Its failure
 * rate, latency, 429 + Retry-After answers and a hard-down mode (connections refused) can be
 * changed while it runs. It records every request with its Idempotency-Key, so tests can prove
 * that no succeeded step reached the upstream twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FlakyMode = {
  /** Fraction of requests answered 503, drawn from a seeded generator. */
  failureRate: number;
  /** Delay before answering, in ms. */
  latencyMs: number;
  /** Per-path delays that override latencyMs, e.g. { '/slow': 5000 }. */
  latencyByPath: Record<string, number>;
  /** Answer 429 with this Retry-After (seconds) to every request. */
  throttleRetryAfterSeconds: number | null;
  /** Refuse connections: the listening socket is closed until the mode is lifted. */
  down: boolean;
};

export type RecordedRequest = {
  method: string;
  path: string;
  idempotencyKey: string | null;
  status: number;
  at: number;
};

export type FlakyUpstream = {
  url: string;
  requests: RecordedRequest[];
  set(mode: Partial<FlakyMode>): Promise<void>;
  /** Answered requests per Idempotency-Key. */
  countsByKey(): Map<string, number>;
  close(): Promise<void>;
};

const CALM: FlakyMode = {
  failureRate: 0,
  latencyMs: 0,
  latencyByPath: {},
  throttleRetryAfterSeconds: null,
  down: false,
};

/** Mulberry32: a tiny seeded PRNG, so a test's failure pattern is repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFlakyUpstream(
  options: { seed?: number; mode?: Partial<FlakyMode>; port?: number } = {},
): Promise<FlakyUpstream> {
  let mode: FlakyMode = { ...CALM, ...options.mode };
  const random = seededRandom(options.seed ?? 42);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const key = request.headers['idempotency-key'];
      requests.push({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        idempotencyKey: typeof key === 'string' ? key : null,
        status,
        at: Date.now(),
      });
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const respond = () => {
      if (mode.throttleRetryAfterSeconds !== null) {
        answer(
          429,
          { error: 'slow down' },
          {
            'retry-after': String(mode.throttleRetryAfterSeconds),
          },
        );
      } else if (random() < mode.failureRate) {
        answer(503, { error: 'unavailable' });
      } else {
        answer(200, { ok: true, path: request.url });
      }
    };
    // Drain the body before answering, so keep-alive connections stay usable.
    request.resume();
    request.on('end', () => {
      const latency = mode.latencyByPath[new URL(request.url ?? '/', 'http://x').pathname];
      const delay = latency ?? mode.latencyMs;
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    });
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async set(next) {
      const wasDown = mode.down;
      mode = { ...mode, ...next };
      if (mode.down && !wasDown) {
        // Hard down: stop listening and cut open keep-alive connections.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      } else if (!mode.down && wasDown) {
        await listen(server, port);
      }
    },
    countsByKey() {
      const counts = new Map<string, number>();
      for (const request of requests) {
        if (request.idempotencyKey === null) continue;
        counts.set(request.idempotencyKey, (counts.get(request.idempotencyKey) ?? 0) + 1);
      }
      return counts;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
