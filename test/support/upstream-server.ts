/** A small real HTTP server on loopback that plays a third-party API in tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Upstream = {
  url: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
};

export async function startUpstream(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Upstream> {
  const requests: { method: string; path: string }[] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? 'GET', path: request.url ?? '/' });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        // A response a test still holds must not keep the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Responses held until the test releases them, so that it can watch a run while a step waits
 * on this upstream, without sleeping. After release, later requests are answered at once.
 */
export type ResponseGate = {
  /** Answers now if released, else when released. */
  hold(answer: () => void): void;
  /** Requests waiting for release. */
  readonly held: number;
  release(): void;
};

export function createResponseGate(): ResponseGate {
  let released = false;
  const waiting: (() => void)[] = [];
  return {
    hold(answer) {
      if (released) answer();
      else waiting.push(answer);
    },
    get held() {
      return waiting.length;
    },
    release() {
      released = true;
      for (const answer of waiting.splice(0)) answer();
    },
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
