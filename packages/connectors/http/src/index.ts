/** HTTP: the http.request node and the HTTP credential types (bearer, basic, header, query, OAuth 2). */
import { type ConnectorPackage, defineConnector } from '@patchbay/engine';
import { CREDENTIAL_TYPES } from './credentials/index.ts';
import { createHttpRequestNode, type HttpConnectorOptions } from './http-request.ts';

export {
  createOAuth2TokenSource,
  type OAuth2ClientCredentialsData,
} from './credentials/index.ts';
export {
  createHttpRequestNode,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpConnectorOptions,
  type HttpPaginatedOutput,
  type HttpResponseOutput,
  upstreamTarget,
} from './http-request.ts';
export {
  HTTP_BODY_TYPES,
  HTTP_METHODS,
  type HttpBodyType,
  type HttpMethod,
  type HttpRequestConfig,
} from './http-request-config.ts';
export { type BinaryBody, RESPONSE_FORMATS, type ResponseFormat } from './http-response.ts';
export { httpRetryOptions } from './http-retry.ts';
export { PAGINATION_MODES, type PaginationConfig, type PaginationMode } from './pagination.ts';
export {
  HTTP_AUTH_CREDENTIAL_TYPES,
  type OAuthTokenSource,
  resolveAuth,
} from './request-auth.ts';

export const HTTP_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="10"/><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20"/></svg>';

/**
 * The HTTP connector with its transport: the server passes the process's egress-guarded fetch,
 * so that every request obeys the egress policy. There is no instance with a default fetch.
 */
export function createHttpConnector(options: HttpConnectorOptions): ConnectorPackage {
  return defineConnector({
    name: 'http',
    title: 'HTTP',
    description: 'Call HTTP APIs, with credentials, retries, pagination and binary bodies.',
    icon: HTTP_ICON,
    nodeTypes: [createHttpRequestNode(options)],
    credentialTypes: CREDENTIAL_TYPES,
  });
}
