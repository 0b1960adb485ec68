/**
 * Flows: the current draft plus immutable versions. Every write validates the whole document
 * with the engine first, and writes the flow and its new version in one transaction. Deleting a
 * flow archives it (its active runs are cancelled, its history kept); purging removes it for good.
 */
import {
  configWarningsOf,
  type FlowDocument,
  FlowValidationError,
  flowDocumentSchema,
  type NodeTypeRegistry,
  type ValidationIssue,
  validateFlow,
} from '@patchbay/engine';
import type pg from 'pg';
import { jsonByteLength, toJsonColumn } from '../db/json-column.ts';
import { withTransaction } from '../db/pg-pool.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import {
  ConflictError,
  FlowNotRunnableError,
  FlowStateError,
  InvalidRequestError,
  NotFoundError,
} from '../domain-errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { cancelActiveRunsOfFlow } from '../runs/run-cancellation.ts';
import { RUN_STATUS } from '../runs/run-status.ts';
import { isUuid } from '../uuid.ts';
import { assertWebhookPathFree } from '../webhooks/webhook-paths.ts';
import { canonicalJson } from './canonical-json.ts';
import { type EgressCheck, egressWarnings } from './egress-warnings.ts';
import { assertErrorFlowUsable, errorFlowIdOf } from './error-flow-setting.ts';
import {
  type FlowDetail,
  type FlowSummary,
  type SavedFlow,
  toFlowDetail,
  toFlowSummary,
} from './flow-views.ts';

/** Largest flow document accepted, as serialised JSON: room for MAX_FLOW_NODES nodes with configs. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

export type CreateFlowInput = {
  name: string;
  description?: string | undefined;
  document?: unknown;
};
export type UpdateFlowInput = {
  id: string;
  name?: string | undefined;
  description?: string | null | undefined;
  document?: unknown;
  /** The number of the version this save restores (flow-versions.ts); recorded on the new version. */
  restoredFrom?: number | undefined;
};

/** Who saves: the user id of the caller's session or API token; null for an internal caller. */
export type SavedBy = string | null;

export type SetFlowActiveInput = { id: string; active: boolean };

export type ListFlowsInput = {
  search?: string | undefined;
  /** True: only deleted flows (newest deletion first); otherwise only flows not deleted. */
  deleted?: boolean | undefined;
};
export type DeleteFlowResult = {
  id: string;
  /** Runs that were queued or running: cancelled at once, or told to stop ('cancelling'). */
  cancelledRuns: number;
};
export type PurgeFlowResult = { id: string; purgedRuns: number };

const latestVersion = { select: { number: true }, orderBy: { number: 'desc' }, take: 1 } as const;
const flowDetailInclude = { versions: latestVersion } as const;
const flowSummaryInclude = {
  versions: latestVersion,
  runs: {
    select: { id: true, status: true, createdAt: true },
    orderBy: [{ createdAt: 'desc' as const }, { id: 'asc' as const }],
    take: 1,
  },
} satisfies Prisma.FlowInclude;

export class FlowService {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      pool: pg.Pool;
      registry: NodeTypeRegistry;
      /** Warns on save about literal destinations the egress policy refuses. */
      egress: EgressCheck;
    },
  ) {}

  async list(input: ListFlowsInput = {}): Promise<FlowSummary[]> {
    const term = input.search?.trim();
    const deleted = input.deleted === true;
    const rows = await this.deps.prisma.flow.findMany({
      where: {
        deletedAt: deleted ? { not: null } : null,
        ...(term ? { name: { contains: term, mode: 'insensitive' } } : {}),
      },
      orderBy: deleted
        ? [{ deletedAt: 'desc' }, { id: 'asc' }]
        : [{ updatedAt: 'desc' }, { id: 'asc' }],
      include: flowSummaryInclude,
    });
    return rows.map(toFlowSummary);
  }

  /**
   * Switches the flow on (its trigger starts runs: webhooks are served, schedules tick) or off.
   * Switching on checks that the latest version still validates, so a flow that could not run
   * is never served. Every process's trigger manager hears of it at commit (the NOTIFY trigger
   * of migration 20261204010000_triggers). Manual runs work either way.
   */
  async setActive(input: SetFlowActiveInput): Promise<FlowSummary> {
    if (!isUuid(input.id)) throw new NotFoundError('Flow', input.id);
    const { id, active } = input;
    await withTransaction(this.deps.pool, async ({ client }) => {
      const { rows } = await client.query<{ name: string; active: boolean; document: unknown }>(
        `SELECT f.name, f.active, v.document
           FROM flows f
           LEFT JOIN LATERAL (SELECT document FROM flow_versions WHERE flow_id = f.id
                               ORDER BY number DESC LIMIT 1) v ON true
          WHERE f.id = $1 AND f.deleted_at IS NULL
          FOR UPDATE OF f`,
        [id],
      );
      const flow = rows[0];
      if (!flow) throw new NotFoundError('Flow', id);
      if (flow.active === active) return;
      if (active) {
        const result = validateFlow(flow.document, this.deps.registry);
        if (!result.ok) {
          throw new FlowNotRunnableError(new FlowValidationError(flow.name, result.issues));
        }
        await assertWebhookPathFree(
          async (text, values) => (await client.query(text, values)).rows,
          { id, name: flow.name },
          flow.document,
        );
      }
      await client.query(
        `UPDATE flows SET active = $2, activated_at = CASE WHEN $2 THEN now() ELSE activated_at END
          WHERE id = $1`,
        [id, active],
      );
    });
    const row = await this.deps.prisma.flow.findUnique({
      where: { id },
      include: flowSummaryInclude,
    });
    if (!row || row.deletedAt) throw new NotFoundError('Flow', id);
    return toFlowSummary(row);
  }

  async get(id: string): Promise<FlowDetail> {
    const row = isUuid(id)
      ? await this.deps.prisma.flow.findUnique({
          where: { id, deletedAt: null },
          include: flowDetailInclude,
        })
      : null;
    if (!row) throw new NotFoundError('Flow', id);
    return toFlowDetail(row);
  }

  async create(input: CreateFlowInput, savedBy: SavedBy = null): Promise<SavedFlow> {
    const prepared = this.prepareDocument(input.document ?? defaultDocument(input.name), {
      name: input.name,
      description: input.description,
    });
    return this.insert(input.name, prepared.document.description ?? null, prepared, savedBy);
  }

  /** Imports an exported document as a new flow named after the document. */
  async import(raw: unknown, savedBy: SavedBy = null): Promise<SavedFlow> {
    const prepared = this.prepareDocument(raw, { name: documentName(raw), description: undefined });
    const { document } = prepared;
    return this.insert(document.name, document.description ?? null, prepared, savedBy);
  }

  async update(input: UpdateFlowInput, savedBy: SavedBy = null): Promise<SavedFlow> {
    if (!isUuid(input.id)) throw new NotFoundError('Flow', input.id);
    const id = input.id;
    return this.deps.prisma
      .$transaction(async (tx) => {
        // Lock the flow so concurrent saves number their versions one after the other.
        const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM flows WHERE id = ${id}::uuid AND deleted_at IS NULL FOR UPDATE`;
        const current = locked.length
          ? await tx.flow.findUnique({
              where: { id },
              include: { versions: { orderBy: { number: 'desc' }, take: 1 } },
            })
          : null;
        if (!current) throw new NotFoundError('Flow', id);

        const name = input.name ?? current.name;
        const description =
          input.description === undefined ? current.description : input.description;
        const { document, warnings } = this.prepareDocument(input.document ?? current.document, {
          name,
          description,
        });

        const latest = current.versions[0];
        const changed = !latest || canonicalJson(latest.document) !== canonicalJson(document);
        if (!changed && name === current.name && description === current.description) {
          // Nothing to save (e.g. an autosave of an unchanged canvas): keep updatedAt as it is.
          return { ...toFlowDetail(current), warnings };
        }
        if (changed) {
          await assertErrorFlowUsable(
            (text, values) => tx.$queryRawUnsafe(text, ...values),
            { id, name },
            document,
            errorFlowIdOf(latest?.document),
          );
          if (current.active) {
            // Saving an active flow activates the new version: its webhook path must be free.
            await assertWebhookPathFree(
              (text, values) => tx.$queryRawUnsafe(text, ...values),
              { id, name },
              document,
            );
          }
          await tx.flowVersion.create({
            data: {
              flowId: id,
              number: (latest?.number ?? 0) + 1,
              document: toJsonColumn(document),
              createdBy: savedBy,
              restoredFrom: input.restoredFrom ?? null,
            },
          });
        }
        const row = await tx.flow.update({
          where: { id },
          data: { name, description, document: toJsonColumn(document) },
          include: flowDetailInclude,
        });
        return { ...toFlowDetail(row), warnings };
      })
      .catch(rethrowConflict);
  }

  /**
   * Archives the flow: hidden from list and get, switched off, refused for new runs, its queued
   * and running runs cancelled (a run a worker executes is told to stop), its versions and runs kept.
   * Under the flow's row lock, which waits for run starts in flight and makes later ones find the
   * flow deleted, so no run of it starts after its runs were cancelled.
   */
  async delete(id: string): Promise<DeleteFlowResult> {
    if (!isUuid(id)) throw new NotFoundError('Flow', id);
    return withTransaction(this.deps.pool, async ({ client }) => {
      const { rowCount } = await client.query(
        'SELECT id FROM flows WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
        [id],
      );
      if (rowCount === 0) throw new NotFoundError('Flow', id);
      // Switched off too: its trigger stops at once (the NOTIFY trigger tells every process).
      await client.query('UPDATE flows SET deleted_at = now(), active = false WHERE id = $1', [id]);
      const cancelled = await cancelActiveRunsOfFlow(client, id);
      return { id, cancelledRuns: cancelled.length };
    });
  }

  /**
   * Removes a deleted flow for good: its versions, runs and steps. Refused while a run of it is
   * still stopping (a worker has yet to record its cancellation).
   */
  async purge(id: string): Promise<PurgeFlowResult> {
    if (!isUuid(id)) throw new NotFoundError('Flow', id);
    return withTransaction(this.deps.pool, async ({ client }) => {
      const { rows } = await client.query<{ name: string; deleted: boolean }>(
        'SELECT name, deleted_at IS NOT NULL AS deleted FROM flows WHERE id = $1 FOR UPDATE',
        [id],
      );
      const flow = rows[0];
      if (!flow) throw new NotFoundError('Flow', id);
      if (!flow.deleted) {
        throw new FlowStateError(
          'FLOW_NOT_DELETED',
          `Flow "${flow.name}" is not deleted. Delete it first; purging removes a deleted flow's run history.`,
          { details: { flowId: id } },
        );
      }
      const counts = await client.query<{ total: number; active: number }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE status IN ('${RUN_STATUS.queued}', '${RUN_STATUS.running}'))::int AS active
           FROM runs WHERE flow_id = $1`,
        [id],
      );
      const { total = 0, active = 0 } = counts.rows[0] ?? {};
      if (active > 0) {
        throw new FlowStateError(
          'RUNS_STILL_STOPPING',
          `${active} run(s) of flow "${flow.name}" are still stopping. Try again in a few seconds.`,
          { details: { flowId: id, activeRuns: active } },
        );
      }
      // Versions, runs and their steps go with it (ON DELETE CASCADE).
      await client.query('DELETE FROM flows WHERE id = $1', [id]);
      return { id, purgedRuns: total };
    });
  }

  /** Checks a document without saving it. Never throws for a bad document. */
  validate(raw: unknown): { issues: ValidationIssue[] } {
    const tooLarge = sizeIssue(raw);
    if (tooLarge) return { issues: [tooLarge] };
    const result = validateFlow(raw, this.deps.registry);
    return { issues: result.ok ? [] : result.issues };
  }

  async export(id: string): Promise<FlowDocument> {
    return (await this.get(id)).document;
  }

  private async insert(
    name: string,
    description: string | null,
    { document, warnings }: PreparedDocument,
    savedBy: SavedBy,
  ): Promise<SavedFlow> {
    await assertErrorFlowUsable(
      (text, values) => this.deps.prisma.$queryRawUnsafe(text, ...values),
      { id: undefined, name },
      document,
      undefined,
    );
    const json = toJsonColumn(document);
    const row = await this.deps.prisma.flow.create({
      data: {
        name,
        description,
        document: json,
        versions: { create: { number: 1, document: json, createdBy: savedBy } },
      },
      include: flowDetailInclude,
    });
    return { ...toFlowDetail(row), warnings };
  }

  /**
   * Applies the flow's name and description to the document (the flow row is authoritative),
   * then validates it with the engine. Throws FlowValidationError naming node and field.
   * A valid document may still carry warnings (a literal URL the egress policy refuses).
   */
  private prepareDocument(
    raw: unknown,
    meta: { name: string; description: string | null | undefined },
  ): PreparedDocument {
    const tooLarge = sizeIssue(raw);
    if (tooLarge) throw new InvalidRequestError('DOCUMENT_TOO_LARGE', tooLarge.message);

    let candidate = raw;
    if (isPlainObject(raw)) {
      const { description: _previous, ...rest } = raw;
      const description = meta.description === undefined ? raw.description : meta.description;
      candidate = {
        ...rest,
        name: meta.name,
        ...(description === null || description === undefined ? {} : { description }),
      };
    }
    const result = validateFlow(candidate, this.deps.registry);
    if (!result.ok) throw new FlowValidationError(meta.name, result.issues);
    return {
      document: flowDocumentSchema.parse(candidate),
      warnings: [
        ...egressWarnings(result.flow, this.deps.egress),
        ...configWarningsOf(result.flow).map(({ nodeId, path, message }) => ({
          nodeId,
          path,
          message,
        })),
      ],
    };
  }
}

type PreparedDocument = { document: FlowDocument; warnings: SavedFlow['warnings'] };

export function defaultDocument(name: string): FlowDocument {
  return {
    version: 1,
    name,
    nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  };
}

function sizeIssue(raw: unknown): ValidationIssue | undefined {
  const bytes = jsonByteLength(raw);
  if (bytes <= MAX_DOCUMENT_BYTES) return undefined;
  return {
    code: 'document.invalid',
    message: `The flow document is too large (${formatMiB(bytes)}); the limit is ${formatMiB(MAX_DOCUMENT_BYTES)}.`,
    path: [],
  };
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function documentName(raw: unknown): string {
  if (isPlainObject(raw) && typeof raw.name === 'string' && raw.name.trim() !== '') {
    return raw.name.trim();
  }
  return 'Imported flow';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rethrowConflict(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new ConflictError(
      'CONFLICT',
      'The flow was saved by someone else at the same time. Reload it and try again.',
      { cause: error },
    );
  }
  throw error;
}
