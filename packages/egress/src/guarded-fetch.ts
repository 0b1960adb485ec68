/**
 * HTTP through the egress guard: an undici Agent whose every new connection, each redirect hop
 * included, is resolved and checked by the guard and then made to the checked address, with TLS
 * SNI and certificate verification still on the host name asked for.
 */
import { isIP } from 'node:net';
import {
  Agent,
  buildConnector,
  type RequestInit as UndiciRequestInit,
  fetch as undiciFetch,
} from 'undici';
import { egressDenialIn } from './egress-denied-error.ts';
import type { EgressGuard } from './egress-guard.ts';

export type EgressAgentOptions = {
  /** Socket and TLS options for every connection, e.g. `ca` for a private certificate authority. */
  connect?: buildConnector.BuildOptions;
};

export type GuardedFetch = {
  /** A WHATWG fetch; a refusal rejects with EgressDeniedError itself, never a network error. */
  fetch: typeof globalThis.fetch;
  /** The undici dispatcher behind it, for HTTP clients built on undici. */
  agent: Agent;
  /** Closes pooled connections (on shutdown). */
  close(): Promise<void>;
};

type FetchInput = Parameters<typeof globalThis.fetch>[0];

export function createEgressAgent(guard: EgressGuard, options: EgressAgentOptions = {}): Agent {
  const connect = buildConnector({ ...options.connect });
  return new Agent({
    connect(request, callback) {
      const host = request.hostname;
      const port = Number(request.port) || (request.protocol === 'https:' ? 443 : 80);
      guard.resolve(host, port).then(
        (target) => {
          // A name keeps TLS on the name: SNI and the certificate check use it, not the address.
          const keepName = request.protocol === 'https:' && !request.servername && !isIP(host);
          connect(
            { ...request, hostname: target.address, ...(keepName ? { servername: host } : {}) },
            callback,
          );
        },
        (error: unknown) =>
          callback(error instanceof Error ? error : new Error(String(error)), null),
      );
    },
  });
}

export function createGuardedFetch(
  guard: EgressGuard,
  options: EgressAgentOptions = {},
): GuardedFetch {
  const agent = createEgressAgent(guard, options);
  const guardedFetch = async (input: FetchInput, init?: RequestInit): Promise<Response> => {
    const request = await toUndiciRequest(input, init);
    try {
      const response = await undiciFetch(request.url, { ...request.init, dispatcher: agent });
      // undici's Response is the WHATWG Response Node's own fetch returns (Node bundles undici).
      return response as unknown as Response;
    } catch (error) {
      // fetch reports "fetch failed" with the connect error as its cause; a refusal is not that.
      throw egressDenialIn(error) ?? error;
    }
  };
  return { fetch: guardedFetch, agent, close: () => agent.close() };
}

async function toUndiciRequest(
  input: FetchInput,
  init: RequestInit | undefined,
): Promise<{ url: string | URL; init: UndiciRequestInit }> {
  if (!(input instanceof Request))
    return { url: input, init: (init ?? {}) as unknown as UndiciRequestInit };
  const body =
    input.body === null || input.bodyUsed ? undefined : Buffer.from(await input.arrayBuffer());
  const fromRequest = {
    method: input.method,
    headers: [...input.headers],
    redirect: input.redirect,
    signal: input.signal,
    ...(body === undefined ? {} : { body }),
  };
  return { url: input.url, init: { ...fromRequest, ...init } as unknown as UndiciRequestInit };
}
