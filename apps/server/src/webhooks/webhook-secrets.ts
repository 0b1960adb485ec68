/**
 * How the ingress reads a webhook's signing secret: the decrypted values of a credential by id,
 * on the server, at request time (the credentials vault implements it).
 */
export type StoredCredential = { type: string; data: unknown };

export type SecretReader = {
  /** Undefined when no credential has this id. */
  read(credentialId: string): Promise<StoredCredential | undefined>;
};

/** Until a vault is attached: every signature check fails with a clear reason. */
export const noSecrets: SecretReader = {
  read: async () => undefined,
};
