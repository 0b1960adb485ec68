/** The credential types this connector package declares. */
import type { CredentialTypeDefinition } from '@patchbay/engine';
import {
  httpBasicCredential,
  httpBearerCredential,
  httpHeaderCredential,
  httpQueryCredential,
} from './http-auth.ts';
import { oauth2ClientCredentialsCredential } from './oauth2-client-credentials.ts';

export { applyHttpAuth } from './http-auth.ts';
export {
  createOAuth2TokenSource,
  type OAuth2ClientCredentialsData,
  type OAuth2TokenSource,
} from './oauth2-client-credentials.ts';

export const CREDENTIAL_TYPES: readonly CredentialTypeDefinition[] = [
  httpBearerCredential,
  httpBasicCredential,
  httpHeaderCredential,
  httpQueryCredential,
  oauth2ClientCredentialsCredential,
];

/** Credential types an HTTP request can authenticate with (the http.request node accepts these). */
export const HTTP_CREDENTIAL_TYPES = CREDENTIAL_TYPES.map((definition) => definition.type);
