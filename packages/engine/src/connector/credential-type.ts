/**
 * A credential type: the shape of a stored secret (an API token, a username and password, an
 * HMAC secret), which fields of it are secret, and how to test it. Connector packages declare
 * them next to their node types; the server keeps the values encrypted (the credentials vault)
 * and hands them to a node only on the worker, only while it runs.
 */
import type { z } from 'zod';
import type { Clock } from '../clock.ts';

export type CredentialTestContext<Data> = {
  /** The decrypted values, parsed by the type's schema. */
  data: Data;
  /** The process's egress-guarded fetch: a test connection obeys the egress policy too. */
  fetch: typeof globalThis.fetch;
  signal: AbortSignal;
  clock: Clock;
};

/** What a successful test reports, e.g. "Signed in as ci-bot". */
export type CredentialTestResult = { message?: string };

/**
 * A pooled connection per credential and per worker (`ctx.connection(credentialId)`): opened on
 * first use, shared by every step that names the credential, closed when idle for `idleMs` or
 * when the credential changes.
 */
export type CredentialConnection<Data, Connection> = {
  open(
    data: Data,
    /** `clock`: for expiry (cached tokens); the worker's clock, a fake one in tests. */
    context: { signal: AbortSignal; fetch: typeof globalThis.fetch; clock: Clock },
  ): Promise<Connection>;
  close(connection: Connection): Promise<void>;
  /** Closed after this long without use. Default 5 minutes. */
  idleMs?: number;
};

export type CredentialTypeDefinition<Data = unknown, Connection = unknown> = {
  /** Stable id, e.g. `httpBearer`: stored with each credential. */
  type: string;
  title: string;
  description: string;
  /**
   * The values. Secret fields carry `.meta(secretField())` (see ui-hints.ts): they are
   * write-only in the API and redacted wherever a resolved value would show.
   */
  schema: z.ZodType<Data>;
  /** Makes a real test connection; throws a PatchbayError that says what is wrong. */
  test?(context: CredentialTestContext<Data>): Promise<CredentialTestResult>;
  connection?: CredentialConnection<Data, Connection>;
  /** Markdown: where to get the values, what the test does. */
  docs?: string;
};

export function defineCredentialType<Data, Connection = unknown>(
  definition: CredentialTypeDefinition<Data, Connection>,
): CredentialTypeDefinition {
  // Sound for the same reason as defineNodeType: values reach `test` and `open` only after
  // parsing with the type's own schema.
  return definition as unknown as CredentialTypeDefinition;
}
