/** HTTP: the http.request node and the HTTP credential types (bearer, basic, header, query, OAuth 2). */
import { defineConnector } from '@patchbay/engine';
import { CREDENTIAL_TYPES } from './credentials/index.ts';

export {
  createOAuth2TokenSource,
  type OAuth2ClientCredentialsData,
} from './credentials/index.ts';

export const HTTP_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="10"/><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20"/></svg>';

export const httpConnector = defineConnector({
  name: 'http',
  title: 'HTTP',
  description: 'Call HTTP APIs, with credentials, retries, pagination and binary bodies.',
  icon: HTTP_ICON,
  nodeTypes: [],
  credentialTypes: CREDENTIAL_TYPES,
});
