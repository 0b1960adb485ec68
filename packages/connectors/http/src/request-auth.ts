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
  /** Values derived from the credential (tokens, the Basic pair), persisted as `***`. */
  redactSecrets?(values: readonly string[]): void;
};

/** One outgoing request: auth sets a header or a query parameter on it. */
export type AuthRequest = { url: URL; headers: Headers; signal: AbortSignal };

/** Applied auth: `refresh` (OAuth 2 only) gets a new token after a 401 and re-applies it. */
export type AppliedAuth = { refresh?: () => Promise<void> };

/** A credential resolved once per step, applied to each request it sends (every page). */
export type RequestAuth = {
  apply(request: AuthRequest): Promise<AppliedAuth>;
  /**
   * The values this auth put on requests so far (tokens, the Basic pair): an upstream may echo
   * them in an error body, so error snippets hide them. OAuth tokens are not credential fields,
   * so the run's own redaction does not know them.
   */
  appliedValues(): readonly string[];
};

/** Resolves the credential (and, for OAuth 2, its pooled token source) for this step. */
export async function resolveAuth(ctx: AuthContext, credentialId: string): Promise<RequestAuth> {
  const { type, data } = await ctx.credential<Record<string, string>>(credentialId);
  const applied = new Set<string>();
  const remember = (value: string) => {
    applied.add(value);
    ctx.redactSecrets?.([value]);
  };
  const staticAuth = (set: (request: AuthRequest) => void): RequestAuth => ({
    apply: async (request) => {
      set(request);
      return {};
    },
    appliedValues: () => [...applied],
  });
  switch (type) {
    case 'httpBearer':
      remember(data.token ?? '');
      return staticAuth(({ headers }) => headers.set('Authorization', `Bearer ${data.token}`));
    case 'httpBasic': {
      const pair = Buffer.from(`${data.username}:${data.password}`, 'utf8').toString('base64');
      remember(pair);
      return staticAuth(({ headers }) => headers.set('Authorization', `Basic ${pair}`));
    }
    case 'httpHeader':
      remember(data.value ?? '');
      return staticAuth(({ headers }) =>
        setHeader(ctx.nodeId, headers, data.name ?? '', data.value ?? ''),
      );
    case 'httpQuery':
      remember(data.value ?? '');
      return staticAuth(({ url }) => url.searchParams.set(data.name ?? '', data.value ?? ''));
    case 'oauth2ClientCredentials': {
      const source = await ctx.connection<OAuthTokenSource>(credentialId);
      return {
        apply: async (request) => {
          let token = await source.getToken(request.signal);
          remember(token);
          request.headers.set('Authorization', `Bearer ${token}`);
          return {
            refresh: async () => {
              source.invalidate(token);
              token = await source.getToken(request.signal);
              remember(token);
              request.headers.set('Authorization', `Bearer ${token}`);
            },
          };
        },
        appliedValues: () => [...applied],
      };
    }
    default:
      throw new NodeExecutionError(
        ctx.nodeId,
        'CREDENTIAL_TYPE_NOT_ACCEPTED',
        `Node "${ctx.nodeId}": field auth.credentialId names a ${type} credential, which HTTP requests cannot use; use one of ${HTTP_AUTH_CREDENTIAL_TYPES.join(', ')}`,
        { nonRetryable: true, details: { field: 'auth.credentialId', credentialType: type } },
      );
  }
}

/** Resolves the credential and applies it to one request (the credential types' Test uses it). */
export async function applyAuth(
  ctx: AuthContext,
  credentialId: string,
  request: AuthRequest,
): Promise<AppliedAuth> {
  const auth = await resolveAuth(ctx, credentialId);
  return auth.apply(request);
}

function setHeader(nodeId: string, headers: Headers, name: string, value: string): void {
  try {
    headers.set(name, value);
  } catch {
    // The message must not carry the value: it is a secret.
    throw new NodeExecutionError(
      nodeId,
      'HTTP_INVALID_HEADER',
      `Node "${nodeId}": the credential's header name "${name}" or its value is not valid in HTTP`,
      { nonRetryable: true, details: { field: 'auth.credentialId' } },
    );
  }
}
