/**
 * The engine's CredentialAccess on a worker: credentials are read and decrypted when a node asks
 * for one, and kept in memory only briefly (CACHE_TTL_MS, and only while the row's updated_at is
 * unchanged). Credential types with a `connection` get one per credential in this process,
 * shared by every step, closed after `idleMs` without use, when the credential changes (seen on
 * the next use, or at once through NOTIFY patchbay_credentials) and when the worker stops.
 */
import {
  type Clock,
  type CredentialAccess,
  type CredentialSite,
  type CredentialTypeRegistry,
  credentialNotFound,
  NodeExecutionError,
  type ResolvedCredential,
  secretFieldsOf,
} from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import { CredentialDecryptionError, type KeyRing } from './key-ring.ts';
import { openValues, readSealedCredential } from './sealed-credential.ts';

/** A decrypted credential is reused for this long without reading its row again. */
export const CACHE_TTL_MS = 5_000;
const DEFAULT_IDLE_MS = 5 * 60_000;

type Loaded = {
  id: string;
  name: string;
  type: string;
  updatedAtMs: number;
  data: unknown;
  secrets: readonly string[];
  loadedAtMs: number;
};

type Pooled = {
  updatedAtMs: number;
  type: string;
  connection: Promise<unknown>;
  lastUsedMs: number;
  cancelTimer: () => void;
};

export class WorkerCredentialAccess implements CredentialAccess {
  private readonly cache = new Map<string, Loaded>();
  private readonly pooled = new Map<string, Pooled>();
  private readonly lifetime = new AbortController();

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      keyRing: KeyRing;
      types: CredentialTypeRegistry;
      /** The egress-guarded fetch connections open with. */
      fetch: typeof fetch;
      clock: Clock;
      logger: Pick<Logger, 'warn' | 'debug'>;
      cacheTtlMs?: number;
    },
  ) {}

  async resolve(credentialId: string, site: CredentialSite): Promise<ResolvedCredential> {
    const loaded = await this.load(credentialId, site);
    return { type: loaded.type, data: loaded.data, secrets: loaded.secrets };
  }

  async connection(
    credentialId: string,
    site: CredentialSite,
  ): Promise<{ connection: unknown; secrets: readonly string[] }> {
    const loaded = await this.load(credentialId, site);
    const definition = this.deps.types.get(loaded.type);
    const declared = definition?.connection;
    if (!declared) {
      throw new NodeExecutionError(
        site.nodeId,
        'CREDENTIAL_HAS_NO_CONNECTION',
        `Node "${site.nodeId}": a ${definition?.title ?? loaded.type} credential keeps no connection`,
        { details: { credentialId } },
      );
    }
    const now = this.deps.clock.monotonicMs();
    let entry = this.pooled.get(credentialId);
    if (entry && entry.updatedAtMs !== loaded.updatedAtMs) {
      this.closePooled(credentialId, 'the credential changed');
      entry = undefined;
    }
    if (!entry) {
      const idleMs = declared.idleMs ?? DEFAULT_IDLE_MS;
      const opening = declared.open(loaded.data, {
        signal: this.lifetime.signal,
        fetch: this.deps.fetch,
        clock: this.deps.clock,
      });
      const created: Pooled = {
        updatedAtMs: loaded.updatedAtMs,
        type: loaded.type,
        connection: opening,
        lastUsedMs: now,
        cancelTimer: () => {},
      };
      this.pooled.set(credentialId, created);
      this.armIdleTimer(credentialId, created, idleMs);
      opening.catch(() => {
        if (this.pooled.get(credentialId) === created) {
          created.cancelTimer();
          this.pooled.delete(credentialId);
        }
      });
      entry = created;
    }
    entry.lastUsedMs = now;
    try {
      return { connection: await entry.connection, secrets: loaded.secrets };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new NodeExecutionError(
        site.nodeId,
        'CREDENTIAL_CONNECTION_FAILED',
        `Node "${site.nodeId}": could not connect with credential "${loaded.name}": ${message}`,
        {
          retryable: (error as { retryable?: unknown }).retryable !== false,
          details: { credentialId },
          cause: error,
        },
      );
    }
  }

  /** The credential changed or was deleted: forget it and close its connection. */
  invalidate(credentialId: string): void {
    this.cache.delete(credentialId);
    if (this.pooled.has(credentialId)) this.closePooled(credentialId, 'the credential changed');
  }

  /** Connections open in this process (tests, diagnostics). */
  get openConnections(): number {
    return this.pooled.size;
  }

  /** Closes every connection (the worker stops). */
  async close(): Promise<void> {
    this.lifetime.abort();
    const ids = [...this.pooled.keys()];
    await Promise.all(ids.map((id) => this.closePooled(id, 'the worker stops')));
    this.cache.clear();
  }

  private async load(credentialId: string, site: CredentialSite): Promise<Loaded> {
    const now = this.deps.clock.monotonicMs();
    let loaded = this.cache.get(credentialId);
    if (!loaded || now - loaded.loadedAtMs >= (this.deps.cacheTtlMs ?? CACHE_TTL_MS)) {
      loaded = await this.read(credentialId, site.nodeId, now);
      this.cache.set(credentialId, loaded);
    }
    if (!site.accepted.includes(loaded.type)) {
      const accepted = site.accepted.length > 0 ? site.accepted.join(', ') : 'no credentials';
      throw new NodeExecutionError(
        site.nodeId,
        'CREDENTIAL_TYPE_NOT_ACCEPTED',
        `Node "${site.nodeId}": credential "${loaded.name}" is of type ${loaded.type}; this node accepts ${accepted}`,
        { details: { credentialId, type: loaded.type, accepted: [...site.accepted] } },
      );
    }
    return loaded;
  }

  private async read(credentialId: string, nodeId: string, now: number): Promise<Loaded> {
    const row = await readSealedCredential(this.deps.pool, credentialId);
    if (!row) {
      this.invalidate(credentialId);
      throw credentialNotFound(credentialId, nodeId);
    }
    const cached = this.cache.get(credentialId);
    if (cached && cached.updatedAtMs === row.updatedAt.getTime()) {
      return { ...cached, loadedAtMs: now };
    }
    const definition = this.deps.types.get(row.type);
    if (!definition) {
      throw new NodeExecutionError(
        nodeId,
        'CREDENTIAL_TYPE_UNKNOWN',
        `Node "${nodeId}": credential "${row.name}" has type ${row.type}, which this server does not know`,
        { details: { credentialId } },
      );
    }
    let values: Record<string, unknown>;
    try {
      values = openValues(this.deps.keyRing, row);
    } catch (error) {
      if (!(error instanceof CredentialDecryptionError)) throw error;
      throw new NodeExecutionError(
        nodeId,
        error.code,
        `Node "${nodeId}": credential "${row.name}" cannot be decrypted: ${error.message}`,
        { details: { credentialId } },
      );
    }
    const parsed = definition.schema.safeParse(values);
    if (!parsed.success) {
      throw new NodeExecutionError(
        nodeId,
        'CREDENTIAL_INVALID',
        `Node "${nodeId}": credential "${row.name}" no longer fits its type ${row.type}: edit and save it`,
        { details: { credentialId } },
      );
    }
    const secretFields = secretFieldsOf(
      this.deps.types.describe().find((entry) => entry.type === row.type)?.jsonSchema ?? {},
    );
    const data = parsed.data as Record<string, unknown>;
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      updatedAtMs: row.updatedAt.getTime(),
      data,
      secrets: secretFields
        .map((field) => data[field])
        .filter((value): value is string => typeof value === 'string'),
      loadedAtMs: now,
    };
  }

  /** Fires `idleMs` after the last use; re-arms while the connection keeps being used. */
  private armIdleTimer(credentialId: string, entry: Pooled, idleMs: number): void {
    const arm = (delayMs: number) => {
      entry.cancelTimer = this.deps.clock.setTimer(delayMs, () => {
        if (this.pooled.get(credentialId) !== entry) return;
        const idle = this.deps.clock.monotonicMs() - entry.lastUsedMs;
        if (idle >= idleMs) void this.closePooled(credentialId, 'idle');
        else arm(idleMs - idle);
      });
    };
    arm(idleMs);
  }

  private async closePooled(credentialId: string, reason: string): Promise<void> {
    const entry = this.pooled.get(credentialId);
    if (!entry) return;
    this.pooled.delete(credentialId);
    entry.cancelTimer();
    const close = this.deps.types.get(entry.type)?.connection?.close;
    try {
      const connection = await entry.connection;
      await close?.(connection);
      this.deps.logger.debug({ credentialId, reason }, 'Closed a credential connection');
    } catch (error) {
      // An open that failed has nothing to close; a close that failed is logged, not thrown.
      this.deps.logger.warn({ err: error, credentialId }, 'Closing a credential connection failed');
    }
  }
}
