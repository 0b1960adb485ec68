/**
 * The credentials vault behind credentials.*: create, update, delete and test credentials, and
 * describe them without their secrets (id, name, type, timestamps, the flows that use them, and
 * which secret fields are set). Values are validated by their type's schema and sealed with the
 * key ring; secret values never leave this module except towards a test connection.
 */
import { randomUUID } from 'node:crypto';
import {
  type Clock,
  type CredentialTypeDescriptor,
  type CredentialTypeRegistry,
  type NodeTypeRegistry,
  RunSecrets,
} from '@patchbay/engine';
import type pg from 'pg';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import { credentialIdsIn } from './credential-usage.ts';
import type { KeyRing } from './key-ring.ts';
import {
  CREDENTIALS_CHANNEL,
  openValues,
  readSealedCredential,
  type SealedCredentialRow,
  sealValues,
} from './sealed-credential.ts';

export type CredentialUse = { flowId: string; flowName: string };

export type CredentialView = {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  /** Non-deleted flows whose draft or latest version names this credential. */
  usedBy: CredentialUse[];
  /** For each secret field of the type: whether it holds a value. */
  secrets: Record<string, boolean>;
};

/** credentials.get: also the values of the fields that are not secret, for the edit form. */
export type CredentialDetail = CredentialView & { values: Record<string, unknown> };

export type CredentialTestOutcome = { ok: boolean; message: string };

const TEST_TIMEOUT_MS = 15_000;

type MetadataRow = {
  id: string;
  name: string;
  type: string;
  secretsSet: string[];
  createdAt: Date;
  updatedAt: Date;
};

const METADATA_COLUMNS = `id, name, type, secrets_set AS "secretsSet",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export class CredentialService {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      keyRing: KeyRing;
      types: CredentialTypeRegistry;
      nodeTypes: NodeTypeRegistry;
      /** The process's egress-guarded fetch: a test connection obeys the egress policy. */
      fetch: typeof fetch;
      clock: Clock;
    },
  ) {}

  types(): readonly CredentialTypeDescriptor[] {
    return this.deps.types.describe();
  }

  async list(): Promise<CredentialView[]> {
    const { rows } = await this.deps.pool.query<MetadataRow>(
      `SELECT ${METADATA_COLUMNS} FROM credentials ORDER BY lower(name), id`,
    );
    const uses = await this.usesOf(rows.map((row) => row.id));
    return rows.map((row) => this.view(row, uses.get(row.id) ?? []));
  }

  async get(id: string): Promise<CredentialDetail> {
    const row = await this.requireSealed(id);
    const metadata = await this.metadata(id);
    const values = openValues(this.deps.keyRing, row);
    const secret = new Set(this.secretFields(row.type));
    const uses = await this.usesOf([id]);
    return {
      ...this.view(metadata, uses.get(id) ?? []),
      values: Object.fromEntries(Object.entries(values).filter(([key]) => !secret.has(key))),
    };
  }

  async create(
    principal: Principal | null,
    input: { name: string; type: string; data: Record<string, unknown> },
  ): Promise<CredentialView> {
    const values = this.validate(input.type, input.data);
    const id = randomUUID();
    const sealed = sealValues(this.deps.keyRing, id, input.type, values);
    const userId = principal && isUuid(principal.userId) ? principal.userId : null;
    await this.write(input.name, () =>
      this.deps.pool.query(
        `INSERT INTO credentials (id, name, type, ciphertext, key_id, secrets_set, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          input.name,
          input.type,
          sealed.ciphertext,
          sealed.keyId,
          this.secretsSet(input.type, values),
          userId,
        ],
      ),
    );
    return this.view(await this.metadata(id), []);
  }

  /** `data`: replaces the values, except secret fields left out, which keep theirs. */
  async update(input: {
    id: string;
    name?: string | undefined;
    data?: Record<string, unknown> | undefined;
  }): Promise<CredentialView> {
    const row = await this.requireSealed(input.id);
    const name = input.name ?? row.name;
    if (input.data === undefined) {
      await this.write(name, () =>
        this.deps.pool.query(
          `WITH changed AS (UPDATE credentials SET name = $2, updated_at = now() WHERE id = $1)
           SELECT pg_notify($3, $1::text)`,
          [row.id, name, CREDENTIALS_CHANNEL],
        ),
      );
    } else {
      const current = openValues(this.deps.keyRing, row);
      const merged: Record<string, unknown> = { ...input.data };
      for (const field of this.secretFields(row.type)) {
        if (merged[field] === undefined && current[field] !== undefined) {
          merged[field] = current[field];
        }
      }
      const values = this.validate(row.type, merged);
      const sealed = sealValues(this.deps.keyRing, row.id, row.type, values);
      await this.write(name, () =>
        this.deps.pool.query(
          `WITH changed AS (
             UPDATE credentials
                SET name = $2, ciphertext = $3, key_id = $4, secrets_set = $5, updated_at = now()
              WHERE id = $1)
           SELECT pg_notify($6, $1::text)`,
          [
            row.id,
            name,
            sealed.ciphertext,
            sealed.keyId,
            this.secretsSet(row.type, values),
            CREDENTIALS_CHANNEL,
          ],
        ),
      );
    }
    const uses = await this.usesOf([row.id]);
    return this.view(await this.metadata(row.id), uses.get(row.id) ?? []);
  }

  /** Refuses while a flow (its draft or latest version) names the credential. */
  async delete(id: string): Promise<{ id: string }> {
    const row = await this.requireSealed(id);
    const uses = (await this.usesOf([id])).get(id) ?? [];
    if (uses.length > 0) {
      const names = uses.map((use) => `"${use.flowName}"`).join(', ');
      throw new ConflictError(
        'CREDENTIAL_IN_USE',
        `Credential "${row.name}" is used by ${uses.length === 1 ? 'flow' : 'flows'} ${names}: ` +
          'remove it from them before deleting it.',
        { details: { flows: uses } },
      );
    }
    await this.deps.pool.query(
      `WITH gone AS (DELETE FROM credentials WHERE id = $1) SELECT pg_notify($2, $1::text)`,
      [id, CREDENTIALS_CHANNEL],
    );
    return { id };
  }

  /** A real test connection; what went wrong is in the message (secrets as ***). */
  async test(id: string): Promise<CredentialTestOutcome> {
    const row = await this.requireSealed(id);
    const definition = this.deps.types.get(row.type);
    if (!definition?.test) {
      return { ok: false, message: `A ${definition?.title ?? row.type} credential has no test.` };
    }
    const parsed = definition.schema.safeParse(openValues(this.deps.keyRing, row));
    if (!parsed.success) {
      return {
        ok: false,
        message: 'The stored values no longer fit the type: edit and save them.',
      };
    }
    const secrets = new RunSecrets();
    secrets.add(this.secretValues(row.type, parsed.data));
    try {
      const result = await definition.test({
        data: parsed.data,
        fetch: this.deps.fetch,
        signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
        clock: this.deps.clock,
      });
      return { ok: true, message: secrets.redactText(result.message ?? 'The test passed.') };
    } catch (error) {
      const message =
        error instanceof Error && error.name === 'TimeoutError'
          ? `No answer within ${TEST_TIMEOUT_MS / 1000} s`
          : error instanceof Error
            ? error.message
            : String(error);
      return { ok: false, message: secrets.redactText(message) };
    }
  }

  /** The values of a type's secret fields (for redaction). */
  secretValues(type: string, values: unknown): string[] {
    const record = (values ?? {}) as Record<string, unknown>;
    return this.secretFields(type)
      .map((field) => record[field])
      .filter((value): value is string => typeof value === 'string');
  }

  private secretFields(type: string): string[] {
    return this.deps.types.describe().find((entry) => entry.type === type)?.secretFields ?? [];
  }

  private secretsSet(type: string, values: Record<string, unknown>): string[] {
    return this.secretFields(type).filter((field) => {
      const value = values[field];
      return value !== undefined && value !== null && value !== '';
    });
  }

  private validate(type: string, data: Record<string, unknown>): Record<string, unknown> {
    const definition = this.deps.types.get(type);
    if (!definition) {
      const known = this.deps.types
        .list()
        .map((entry) => entry.type)
        .join(', ');
      throw new InvalidInputError(
        'type',
        `Unknown credential type "${type}"; known types: ${known}`,
        'unknown',
      );
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as z.core.$ZodIssue;
      const path = issue.path.map(String);
      const keys = (issue as { keys?: string[] }).keys;
      const field = path.length > 0 ? path.join('.') : (keys?.[0] ?? '');
      const label = this.fieldTitle(type, path[0] ?? keys?.[0]) ?? field;
      const message =
        issue.code === 'unrecognized_keys'
          ? `${definition.title}: unknown field "${field}"`
          : issue.code === 'invalid_type' && data[path[0] ?? ''] === undefined
            ? `${definition.title}: ${label} is required`
            : `${definition.title}: ${label}: ${issue.message}`;
      throw new InvalidInputError(`data${field ? `.${field}` : ''}`, message, issue.code);
    }
    return parsed.data as Record<string, unknown>;
  }

  private fieldTitle(type: string, field: string | undefined): string | undefined {
    if (!field) return undefined;
    const schema = this.deps.types.describe().find((entry) => entry.type === type)?.jsonSchema;
    const property = (schema?.properties as Record<string, { title?: unknown }> | undefined)?.[
      field
    ];
    return typeof property?.title === 'string' ? property.title : field;
  }

  private view(row: MetadataRow, usedBy: CredentialUse[]): CredentialView {
    const set = new Set(row.secretsSet);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      usedBy,
      secrets: Object.fromEntries(
        this.secretFields(row.type).map((field) => [field, set.has(field)]),
      ),
    };
  }

  private async requireSealed(id: string): Promise<SealedCredentialRow> {
    const row = await readSealedCredential(this.deps.pool, id);
    if (!row) throw new NotFoundError('Credential', id);
    return row;
  }

  private async metadata(id: string): Promise<MetadataRow> {
    const { rows } = await this.deps.pool.query<MetadataRow>(
      `SELECT ${METADATA_COLUMNS} FROM credentials WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('Credential', id);
    return row;
  }

  /** A unique-name violation becomes CONFLICT with the name. */
  private async write(name: string, statement: () => Promise<unknown>): Promise<void> {
    try {
      await statement();
    } catch (error) {
      if ((error as { code?: unknown }).code === '23505') {
        throw new ConflictError(
          'CREDENTIAL_NAME_TAKEN',
          `A credential named "${name}" exists already: choose another name.`,
        );
      }
      throw error;
    }
  }

  /**
   * The flows using each credential: non-deleted flows whose draft or latest version names it.
   * Documents that do not contain an id as text are skipped in the database.
   */
  private async usesOf(ids: readonly string[]): Promise<Map<string, CredentialUse[]>> {
    const uses = new Map<string, CredentialUse[]>();
    if (ids.length === 0) return uses;
    const { rows } = await this.deps.pool.query<{
      id: string;
      name: string;
      draft: unknown;
      latest: unknown;
    }>(
      `SELECT f.id, f.name, f.document AS draft, v.document AS latest
         FROM flows f
         LEFT JOIN LATERAL (
           SELECT document FROM flow_versions WHERE flow_id = f.id ORDER BY number DESC LIMIT 1
         ) v ON true
        WHERE f.deleted_at IS NULL
          AND EXISTS (
            SELECT 1 FROM unnest($1::text[]) AS c(id)
             WHERE position(c.id IN f.document::text) > 0
                OR position(c.id IN coalesce(v.document::text, '')) > 0)
        ORDER BY lower(f.name), f.id`,
      [ids],
    );
    const wanted = new Set(ids);
    for (const flow of rows) {
      const named = credentialIdsIn(flow.draft, this.deps.nodeTypes);
      for (const id of credentialIdsIn(flow.latest, this.deps.nodeTypes)) named.add(id);
      for (const id of named) {
        if (!wanted.has(id)) continue;
        const list = uses.get(id) ?? [];
        list.push({ flowId: flow.id, flowName: flow.name });
        uses.set(id, list);
      }
    }
    return uses;
  }
}
