/**
 * A real HTTP or HTTPS server on a loopback address that counts the TCP connections it accepts,
 * so a test can prove that a refused call never connected.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export type CountingServer = {
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** The SNI server name of each TLS connection (HTTPS only). */
  servernames: (string | false | null)[];
  requests: string[];
  close(): Promise<void>;
};

export const UPSTREAM_TEST_CERT = readFileSync(
  new URL('./upstream-test.cert.pem', import.meta.url),
  'utf8',
);
const UPSTREAM_TEST_KEY = readFileSync(new URL('./upstream-test.key.pem', import.meta.url), 'utf8');

export async function startCountingServer(
  handler: RequestListener,
  options: { host?: string; tls?: boolean } = {},
): Promise<CountingServer> {
  const requests: string[] = [];
  const servernames: (string | false | null)[] = [];
  const listener: RequestListener = (request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  };
  const server = options.tls
    ? createHttpsServer({ cert: UPSTREAM_TEST_CERT, key: UPSTREAM_TEST_KEY }, listener)
    : createHttpServer(listener);
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    servernames.push(socket.servername);
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    servernames,
    requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A port on which nothing listens: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
