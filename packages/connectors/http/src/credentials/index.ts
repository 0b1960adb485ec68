/** The credential types this connector package declares. */
import type { CredentialTypeDefinition } from '@patchbay/engine';
import {
  httpBasicCredential,
  httpBearerCredential,
  httpHeaderCredential,
  httpQueryCredential,
} from './http-auth.ts';
import { oauth2ClientCredentialsCredential } from './oauth2-client-credentials.ts';

export {
  createOAuth2TokenSource,
  type OAuth2ClientCredentialsData,
} from './oauth2-client-credentials.ts';

export const CREDENTIAL_TYPES: readonly CredentialTypeDefinition[] = [
  httpBearerCredential,
  httpBasicCredential,
  httpHeaderCredential,
  httpQueryCredential,
  oauth2ClientCredentialsCredential,
];
