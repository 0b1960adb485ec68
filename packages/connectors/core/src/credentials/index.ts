/** The credential types this connector package declares. */
import type { CredentialTypeDefinition } from '@patchbay/engine';

export const CREDENTIAL_TYPES: readonly CredentialTypeDefinition[] = [];
