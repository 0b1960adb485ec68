/**
 * OAuth 2 for tests: a real local token server (client credentials grant) that issues numbered
 * tokens and can revoke them, and a minimal OAuthTokenSource that caches its token until it is
 * invalidated. The vault's oauth2ClientCredentials credential provides the real source; this one
 * lets the node's tests run against the same interface without it.
 */

import type { OAuthTokenSource } from '../request-auth.ts';
import { type LocalHttpServer, startLocalHttpServer } from './local-http-server.ts';

export type TokenServer = {
  server: LocalHttpServer;
  tokenUrl: string;
  /** Tokens issued so far, in order. */
  issued: string[];
  /** Whether an API should accept `token`: issued and not revoked. */
  accepts(token: string | undefined): boolean;
  revoke(token: string): void;
  close(): Promise<void>;
};

export async function startTokenServer(client: {
  id: string;
  secret: string;
}): Promise<TokenServer> {
  const issued: string[] = [];
  const revoked = new Set<string>();
  const server = await startLocalHttpServer((request, response) => {
    const form = new URLSearchParams(request.body);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || form.get('grant_type') !== 'client_credentials') {
      return json(400, { error: 'unsupported_grant_type' });
    }
    if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret) {
      return json(401, { error: 'invalid_client' });
    }
    const token = `tok-${issued.length + 1}-${client.id}`;
    issued.push(token);
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  });
  return {
    server,
    tokenUrl: `${server.baseUrl}/oauth/token`,
    issued,
    accepts: (token) => token !== undefined && issued.includes(token) && !revoked.has(token),
    revoke: (token) => revoked.add(token),
    close: () => server.close(),
  };
}

/** A token source that asks the token URL for a token and keeps it until invalidated. */
export function simpleTokenSource(options: {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof globalThis.fetch;
}): OAuthTokenSource {
  let cached: string | undefined;
  return {
    async getToken(signal) {
      if (cached) return cached;
      const response = await (options.fetch ?? globalThis.fetch)(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
        }).toString(),
        ...(signal ? { signal } : {}),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!response.ok || !body.access_token) {
        throw new Error(`token request answered ${response.status}`);
      }
      cached = body.access_token;
      return cached;
    },
    invalidate(token) {
      if (cached === token) cached = undefined;
    },
  };
}
