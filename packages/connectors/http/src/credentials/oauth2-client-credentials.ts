/**
 * OAuth 2 client credentials (RFC 6749 §4.4): a token fetched from the token URL with the
 * client's id and secret. Its pooled connection is a token source, kept per credential per
 * worker: the token is cached until shortly before it expires, fetched once however many steps
 * ask at the same time, and dropped when a request reports 401 with it.
 */
import {
  type Clock,
  defineCredentialType,
  PatchbayError,
  secretField,
  uiHint,
} from '@patchbay/engine';
import { z } from 'zod';
import type { OAuthTokenSource } from '../request-auth.ts';

export const oauth2ClientCredentialsSchema = z.strictObject({
  tokenUrl: z.url({ protocol: /^https?$/, error: 'Token URL must be an http(s) URL' }).meta({
    title: 'Token URL',
    ...uiHint({ placeholder: 'https://auth.example.com/oauth/token' }),
  }),
  clientId: z.string().min(1, 'Client ID is required').meta({ title: 'Client ID' }),
  clientSecret: z
    .string()
    .min(1, 'Client secret is required')
    .meta({ title: 'Client secret', ...secretField() }),
  scope: z.string().trim().optional().meta({ title: 'Scope', description: 'Space-separated' }),
  audience: z
    .string()
    .trim()
    .optional()
    .meta({
      title: 'Audience',
      description: 'Sent as `audience` (Auth0 and others); leave empty if not needed',
      ...uiHint({ advanced: true }),
    }),
  clientAuth: z
    .enum(['body', 'basic'])
    .default('body')
    .meta({
      title: 'Client authentication',
      description:
        '`body`: client_id and client_secret in the form (client_secret_post); `basic`: HTTP Basic (client_secret_basic)',
      ...uiHint({ advanced: true }),
    }),
});

export type OAuth2ClientCredentialsData = z.infer<typeof oauth2ClientCredentialsSchema>;

/** A token is refreshed this long before it expires (or at half its life, if shorter). */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;
/** Used when the token endpoint gives no expires_in. */
export const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;
const TOKEN_TIMEOUT_MS = 15_000;

export function createOAuth2TokenSource(options: {
  data: OAuth2ClientCredentialsData;
  fetch: typeof fetch;
  clock: Clock;
}): OAuthTokenSource {
  const { data, clock } = options;
  let cached: { token: string; refreshAtMs: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const { token, lifetimeMs } = await requestToken(data, options.fetch);
    const margin = Math.min(TOKEN_EXPIRY_MARGIN_MS, lifetimeMs / 2);
    cached = { token, refreshAtMs: clock.monotonicMs() + lifetimeMs - margin };
    return token;
  };

  return {
    getToken(signal) {
      if (cached && clock.monotonicMs() < cached.refreshAtMs) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      // One request serves every caller: a caller's signal stops its own wait, not the request.
      return signal ? abortable(pending, signal) : pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** One token request; errors say what the endpoint answered, never the secret. */
export async function requestToken(
  data: OAuth2ClientCredentialsData,
  fetchImpl: typeof fetch,
  signal: AbortSignal = AbortSignal.timeout(TOKEN_TIMEOUT_MS),
): Promise<{ token: string; lifetimeMs: number }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (data.clientAuth === 'basic') {
    // RFC 6749 §2.3.1: each part form-encoded before joining.
    const pair = `${encodeURIComponent(data.clientId)}:${encodeURIComponent(data.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', data.clientId);
    form.set('client_secret', data.clientSecret);
  }
  if (data.scope) form.set('scope', data.scope);
  if (data.audience) form.set('audience', data.audience);

  let response: Response;
  try {
    response = await fetchImpl(data.tokenUrl, {
      method: 'POST',
      headers,
      body: form.toString(),
      signal,
    });
  } catch (error) {
    throw new PatchbayError(
      'OAUTH2_TOKEN_FAILED',
      `Could not reach the token URL ${data.tokenUrl}: ${(error as Error).message}`,
      { retryable: true, cause: error },
    );
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Reported below as "no access_token".
  }
  if (!response.ok) {
    const reason = [body.error, body.error_description]
      .filter((part) => typeof part === 'string')
      .join(': ');
    throw new PatchbayError(
      'OAUTH2_TOKEN_FAILED',
      `The token URL ${data.tokenUrl} answered ${response.status}${reason ? ` (${reason.slice(0, 300)})` : ''}`,
      { retryable: response.status >= 500 || response.status === 429 },
    );
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new PatchbayError(
      'OAUTH2_TOKEN_FAILED',
      `The token URL ${data.tokenUrl} answered ${response.status} without an access_token`,
    );
  }
  const expiresIn = Number(body.expires_in);
  return {
    token: body.access_token,
    lifetimeMs:
      Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_LIFETIME_MS,
  };
}

export const oauth2ClientCredentialsCredential = defineCredentialType<
  OAuth2ClientCredentialsData,
  OAuthTokenSource
>({
  type: 'oauth2ClientCredentials',
  title: 'OAuth 2 client credentials',
  description: 'Fetches an access token from a token URL with a client ID and secret.',
  schema: oauth2ClientCredentialsSchema,
  async test({ data, fetch, signal }) {
    const { lifetimeMs } = await requestToken(data, fetch, signal);
    return { message: `Got an access token valid for ${Math.round(lifetimeMs / 1000)} s` };
  },
  connection: {
    open: async (data, context) =>
      createOAuth2TokenSource({ data, fetch: context.fetch, clock: context.clock }),
    close: async () => {},
    idleMs: 15 * 60_000,
  },
  docs: `The OAuth 2 *client credentials* grant (RFC 6749 §4.4), for machine-to-machine APIs.

- **Token URL**: the authorization server's token endpoint.
- **Client ID / Client secret**: the application's credentials. They are sent in the form body
  (\`client_secret_post\`) unless *Client authentication* is \`basic\`.
- **Scope**, **Audience**: sent when set.

Each worker keeps one token per credential, reuses it until ${TOKEN_EXPIRY_MARGIN_MS / 1000} s before
it expires (\`expires_in\`; one hour when the server gives none), and fetches a new one after a
request is answered 401. **Test** fetches a token.`,
});
