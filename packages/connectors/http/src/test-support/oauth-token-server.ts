/**
 * A real local OAuth 2 token server for tests (client credentials grant): it issues numbered
 * tokens valid for an hour, and an API in the test asks it whether a token is still accepted.
 */

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
