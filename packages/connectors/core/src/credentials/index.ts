/** The credential types this connector package declares. */
import type { CredentialTypeDefinition } from '@patchbay/engine';
import { hmacSecretCredential } from './hmac-secret.ts';

export { type HmacSecretData, hmacSecretSchema } from './hmac-secret.ts';

export const CREDENTIAL_TYPES: readonly CredentialTypeDefinition[] = [hmacSecretCredential];
