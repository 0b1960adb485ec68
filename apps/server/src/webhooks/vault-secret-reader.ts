/**
 * Webhook signing secrets from the credentials vault. A signature must be checked before a run
 * exists, so this is the one place a secret is decrypted outside a worker: in the process that
 * receives the request, kept in memory at most CACHE_TTL_MS (an update reaches ingress within
 * that), never logged and never returned.
 */
import { PatchbayError } from '@patchbay/engine';
import type { WorkerCredentialAccess } from '../credentials/worker-credential-access.ts';
import type { SecretReader } from './webhook-secrets.ts';

export function vaultSecretReader(
  access: WorkerCredentialAccess,
  types: readonly string[],
): SecretReader {
  return {
    read: async (credentialId) => {
      try {
        const { type, data } = await access.resolve(credentialId, {
          nodeId: 'webhook',
          // Every type: the ingress says itself when the credential is not an hmacSecret.
          accepted: types,
        });
        return { type, data };
      } catch (error) {
        if (error instanceof PatchbayError && error.code === 'CREDENTIAL_NOT_FOUND')
          return undefined;
        throw error;
      }
    },
  };
}
