/**
 * Authentication for http.request from a credential (`auth: { credentialId }`): the credential's
 * type says where its values go. OAuth 2 client credentials come from the credential's pooled
 * token source, which caches the token until it expires; a 401 invalidates it, and the request
 * is sent once more with a fresh token.
 */
import { NodeExecutionError } from '@patchbay/engine';

export const HTTP_AUTH_CREDENTIAL_TYPES = [
  'httpBearer',
  'httpBasic',
  'httpHeader',
  'httpQuery',
  'oauth2ClientCredentials',
] as const;

/** The pooled connection of an oauth2ClientCredentials credential. */
export type OAuthTokenSource = {
  /** A cached token, or a new one from the token URL. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forgets `token` after the upstream refused it (401), so the next getToken fetches anew. */
  invalidate(token: string): void;
};

type AuthContext = {
  nodeId: string;
  credential<Data>(credentialId: string): Promise<{ type: string; data: Data }>;
  connection<Connection>(credentialId: string): Promise<Connection>;
};

/** Applied auth: `refresh` (OAuth 2 only) gets a new token after a 401 and re-applies it. */
export type AppliedAuth = { refresh?: () => Promise<void> };

export async function applyAuth(
  ctx: AuthContext,
  credentialId: string,
  request: { url: URL; headers: Headers; signal: AbortSignal },
): Promise<AppliedAuth> {
  const { type, data } = await ctx.credential<Record<string, string>>(credentialId);
  const { url, headers } = request;
  switch (type) {
    case 'httpBearer':
      headers.set('Authorization', `Bearer ${data.token}`);
      return {};
    case 'httpBasic':
      headers.set(
        'Authorization',
        `Basic ${Buffer.from(`${data.username}:${data.password}`, 'utf8').toString('base64')}`,
      );
      return {};
    case 'httpHeader':
      setHeader(ctx.nodeId, headers, data.name ?? '', data.value ?? '');
      return {};
    case 'httpQuery':
      url.searchParams.set(data.name ?? '', data.value ?? '');
      return {};
    case 'oauth2ClientCredentials': {
      const source = await ctx.connection<OAuthTokenSource>(credentialId);
      let token = await source.getToken(request.signal);
      headers.set('Authorization', `Bearer ${token}`);
      return {
        refresh: async () => {
          source.invalidate(token);
          token = await source.getToken(request.signal);
          headers.set('Authorization', `Bearer ${token}`);
        },
      };
    }
    default:
      throw new NodeExecutionError(
        ctx.nodeId,
        'CREDENTIAL_TYPE_NOT_ACCEPTED',
        `Node "${ctx.nodeId}": field auth.credentialId names a ${type} credential, which HTTP requests cannot use; use one of ${HTTP_AUTH_CREDENTIAL_TYPES.join(', ')}`,
        { details: { field: 'auth.credentialId', credentialType: type } },
      );
  }
}

function setHeader(nodeId: string, headers: Headers, name: string, value: string): void {
  try {
    headers.set(name, value);
  } catch (error) {
    // The message must not carry the value: it is a secret.
    throw new NodeExecutionError(
      nodeId,
      'HTTP_INVALID_HEADER',
      `Node "${nodeId}": the credential's header name "${name}" or its value is not valid in HTTP`,
      { details: { field: 'auth.credentialId' }, cause: error },
    );
  }
}
