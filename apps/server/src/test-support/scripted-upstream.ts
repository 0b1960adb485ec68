/**
 * A loopback HTTP server for run tests: every path answers as the test scripts it (status, body,
 * latency), and every request is recorded with its Idempotency-Key. It also tracks how many
 * requests are in flight at once, to prove concurrency limits.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = {
  status?: number;
  body?: unknown;
  latencyMs?: number;
  /** Held until this settles (then latencyMs, if any): the test decides when the call ends. */
  until?: Promise<unknown>;
};

export type UpstreamRequest = {
  path: string;
  idempotencyKey: string | null;
  /** Set once answered; a request cut off by the caller (cancelled) stays unanswered. */
  answered: boolean;
};

export type ScriptedUpstream = {
  url: string;
  requests: UpstreamRequest[];
  /** How the path answers from now on (default: 200 `{ ok: true, path }`). */
  script(path: string, answer: Answer | ((call: number) => Answer)): void;
  hits(path: string): number;
  /** The most requests that were being answered at the same time. */
  readonly maxInFlight: number;
  close(): Promise<void>;
};

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const scripts = new Map<string, Answer | ((call: number) => Answer)>();
  const requests: UpstreamRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = req.headers['idempotency-key'];
    const request: UpstreamRequest = {
      path,
      idempotencyKey: typeof key === 'string' ? key : null,
      answered: false,
    };
    requests.push(request);
    const script = scripts.get(path);
    const call = requests.filter((r) => r.path === path).length;
    const answer = (typeof script === 'function' ? script(call) : script) ?? {};
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = (respond: (response: ServerResponse) => void) => {
      if (done) return;
      done = true;
      inFlight--;
      respond(res);
    };
    req.resume();
    res.on('close', () => finish(() => undefined));
    const reply = () =>
      finish((response) => {
        request.answered = true;
        response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body ?? { ok: true, path }));
      });
    const answerNow = () => {
      if (answer.latencyMs) delay(answer.latencyMs);
      else reply();
    };
    const delay = (ms: number) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, ms);
      timers.add(timer);
    };
    if (answer.until) void answer.until.then(answerNow, answerNow);
    else answerNow();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (path, answer) => scripts.set(path, answer),
    hits: (path) => requests.filter((request) => request.path === path).length,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
