/**
 * How a running node reaches credentials: the server passes a CredentialAccess to executeFlow
 * (decrypting on the worker, at call time), and the executor binds it to each node's context as
 * `ctx.credential(id)` and `ctx.connection(id)`. Every secret value resolved in a run is
 * remembered, so that the run's persisted outputs and errors read `***` where one would show.
 */
import { NodeExecutionError } from '../errors.ts';

export type CredentialSite = {
  nodeId: string;
  /** The credential types the node type accepts (NodeTypeDefinition.credentialTypes). */
  accepted: readonly string[];
};

export type ResolvedCredential = {
  type: string;
  /** Parsed by the credential type's schema. */
  data: unknown;
  /** The values of its secret fields: redacted from what the run persists. */
  secrets: readonly string[];
};

export type CredentialAccess = {
  /**
   * Decrypts a credential for a node. Throws a NodeExecutionError: CREDENTIAL_NOT_FOUND,
   * CREDENTIAL_TYPE_NOT_ACCEPTED (non-retryable).
   */
  resolve(credentialId: string, site: CredentialSite): Promise<ResolvedCredential>;
  /** The pooled connection for the credential (its type must declare `connection`). */
  connection(
    credentialId: string,
    site: CredentialSite,
  ): Promise<{ connection: unknown; secrets: readonly string[] }>;
};

/** Without a vault (engine tests, the bench): every lookup fails with CREDENTIAL_NOT_FOUND. */
export const noCredentials: CredentialAccess = {
  resolve: (credentialId, site) => Promise.reject(credentialNotFound(credentialId, site.nodeId)),
  connection: (credentialId, site) => Promise.reject(credentialNotFound(credentialId, site.nodeId)),
};

export function credentialNotFound(credentialId: string, nodeId: string): NodeExecutionError {
  return new NodeExecutionError(
    nodeId,
    'CREDENTIAL_NOT_FOUND',
    `Node "${nodeId}": credential "${credentialId}" does not exist (it may have been deleted)`,
    { details: { credentialId } },
  );
}

export const REDACTED = '***';

/** Shorter values are not redacted: "1" or "ab" would turn unrelated text into `***`. */
const MIN_REDACTED_LENGTH = 4;

/** The secret values one run has resolved, and a redactor for what it persists. */
export class RunSecrets {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  add(secrets: readonly string[]): void {
    let changed = false;
    for (const secret of secrets) {
      if (secret.length < MIN_REDACTED_LENGTH || this.values.has(secret)) continue;
      this.values.add(secret);
      changed = true;
    }
    // Longest first, so a secret that contains another is replaced whole.
    if (changed) this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.values.size === 0;
  }

  /** A copy of `value` with every occurrence of a secret in its strings (and keys) as `***`. */
  redact<T>(value: T): T {
    if (this.values.size === 0) return value;
    return this.redactValue(value, 0) as T;
  }

  redactText(text: string): string {
    let result = text;
    for (const secret of this.sorted) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  private redactValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (typeof value !== 'object' || value === null || depth > 200) return value;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    if (value instanceof Date) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a key may be "__proto__".
      Object.defineProperty(copy, this.redactText(key), {
        value: this.redactValue(item, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
}
