/**
 * The static HTTP credential types: a bearer token, basic auth, a header, a query parameter.
 * Their test sends a GET to an optional test URL through the http.request node's own `applyAuth`
 * (request-auth.ts), so a test exercises exactly what a run sends.
 */
import { defineCredentialType, PatchbayError, secretField, uiHint } from '@patchbay/engine';
import { z } from 'zod';
import { applyAuth } from '../request-auth.ts';

const testUrlField = z
  .url({ protocol: /^https?$/, error: 'Test URL must be an http(s) URL' })
  .optional()
  .meta({
    description:
      'Optional. A URL that answers 2xx only when these credentials are accepted (e.g. https://api.example.com/me); "Test" sends a GET to it.',
    ...uiHint({ placeholder: 'https://api.example.com/me', advanced: true }),
  });

const headerName = z
  .string()
  .trim()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'Header name may hold letters, digits and - only');

export const httpBearerSchema = z.strictObject({
  token: z
    .string()
    .min(1, 'Token is required')
    .meta({ title: 'Token', ...secretField() }),
  testUrl: testUrlField,
});
export const httpBasicSchema = z.strictObject({
  username: z.string().min(1, 'Username is required').meta({ title: 'Username' }),
  password: z.string().meta({ title: 'Password', ...secretField() }),
  testUrl: testUrlField,
});
export const httpHeaderSchema = z.strictObject({
  name: headerName.min(1, 'Header name is required').meta({ title: 'Header name' }),
  value: z
    .string()
    .min(1, 'Value is required')
    .meta({ title: 'Value', ...secretField() }),
  testUrl: testUrlField,
});
export const httpQuerySchema = z.strictObject({
  name: z.string().trim().min(1, 'Parameter name is required').meta({ title: 'Parameter name' }),
  value: z
    .string()
    .min(1, 'Value is required')
    .meta({ title: 'Value', ...secretField() }),
  testUrl: testUrlField,
});

export type HttpBearerData = z.infer<typeof httpBearerSchema>;
export type HttpBasicData = z.infer<typeof httpBasicSchema>;
export type HttpHeaderData = z.infer<typeof httpHeaderSchema>;
export type HttpQueryData = z.infer<typeof httpQuerySchema>;

const TEST_DOCS = `**Test.** Set *Test URL* to an endpoint that needs these credentials (a "who am I" endpoint
is ideal). *Test* sends \`GET\` to it with the credential applied and succeeds on a 2xx answer.
Without a test URL there is nothing to test against, and *Test* says so.`;

/** GET testUrl with the credential applied: 2xx passes, anything else says what came back. */
async function testWithUrl(
  type: string,
  data: { testUrl?: string | undefined },
  context: { fetch: typeof fetch; signal: AbortSignal },
): Promise<{ message: string }> {
  if (!data.testUrl) {
    throw new PatchbayError(
      'CREDENTIAL_NOT_TESTABLE',
      'Nothing to test against: set "Test URL" to an endpoint that needs this credential.',
    );
  }
  const url = new URL(data.testUrl);
  const headers = new Headers();
  const credentialId = 'test';
  await applyAuth(
    {
      nodeId: 'test',
      credential: async <Data>() => ({ type, data: data as Data }),
      connection: () => Promise.reject(new Error(`${type} keeps no connection`)),
    },
    credentialId,
    { url, headers, signal: context.signal },
  );
  const response = await context.fetch(url, { method: 'GET', headers, signal: context.signal });
  await response.body?.cancel();
  const shown = new URL(data.testUrl);
  shown.search = '';
  if (response.ok) return { message: `GET ${shown} answered ${response.status}` };
  const rejected = response.status === 401 || response.status === 403;
  throw new PatchbayError(
    rejected ? 'CREDENTIAL_REJECTED' : 'CREDENTIAL_TEST_FAILED',
    rejected
      ? `GET ${shown} answered ${response.status}: the credential was not accepted`
      : `GET ${shown} answered ${response.status} ${response.statusText}`.trim(),
  );
}

export const httpBearerCredential = defineCredentialType({
  type: 'httpBearer',
  title: 'Bearer token',
  description: 'Sends "Authorization: Bearer <token>".',
  schema: httpBearerSchema,
  test: (context) => testWithUrl('httpBearer', context.data, context),
  docs: `Sends \`Authorization: Bearer <token>\` with each request: API tokens, personal access tokens,
pre-issued JWTs.\n\n${TEST_DOCS}`,
});

export const httpBasicCredential = defineCredentialType({
  type: 'httpBasic',
  title: 'Basic auth',
  description: 'Sends a username and password as "Authorization: Basic …".',
  schema: httpBasicSchema,
  test: (context) => testWithUrl('httpBasic', context.data, context),
  docs: `HTTP Basic authentication (RFC 7617): \`Authorization: Basic base64(username:password)\`.\n\n${TEST_DOCS}`,
});

export const httpHeaderCredential = defineCredentialType({
  type: 'httpHeader',
  title: 'Header',
  description: 'Sends a secret in a header of your choice, e.g. X-API-Key.',
  schema: httpHeaderSchema,
  test: (context) => testWithUrl('httpHeader', context.data, context),
  docs: `Sends the secret value in the named header (\`X-API-Key: …\`), replacing a header of the same
name set on the node.\n\n${TEST_DOCS}`,
});

export const httpQueryCredential = defineCredentialType({
  type: 'httpQuery',
  title: 'Query parameter',
  description: 'Sends a secret as a query parameter, e.g. ?api_key=…',
  schema: httpQuerySchema,
  test: (context) => testWithUrl('httpQuery', context.data, context),
  docs: `Adds the secret as a query parameter (\`?api_key=…\`), replacing one of the same name. Prefer a
header where the API allows it: URLs end up in proxy and server logs.\n\n${TEST_DOCS}`,
});
