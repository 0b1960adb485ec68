/**
 * A flow's version history: the saved versions newest first with who saved them, one version's
 * document, and restoring a version, which saves its document as a new version through
 * FlowService.update (validation, error-flow and webhook path checks apply as to any save).
 */
import type { FlowDocument } from '@patchbay/engine';
import type pg from 'pg';
import { InvalidRequestError, NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import type { FlowService, SavedBy } from './flow-service.ts';
import { type SavedFlow, storedDocument } from './flow-views.ts';

export const DEFAULT_VERSION_PAGE = 50;
export const MAX_VERSION_PAGE = 200;

export type VersionAuthor = { id: string; email: string; name: string | null };

export type FlowVersionSummary = {
  number: number;
  createdAt: string;
  /** Null for versions saved before authorship was recorded, or whose user was removed. */
  author: VersionAuthor | null;
  nodeCount: number;
  /** The version this one restored, if it was saved by a restore. */
  restoredFrom: number | null;
};

export type FlowVersionPage = {
  items: FlowVersionSummary[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: number | null;
  /** The flow's newest version number (the one runs execute). */
  latestVersion: number | null;
};

export type FlowVersionDetail = FlowVersionSummary & { flowId: string; document: FlowDocument };

export type ListVersionsInput = {
  id: string;
  limit?: number | undefined;
  /** Versions numbered below this one (the previous page's nextCursor). */
  cursor?: number | undefined;
};

type VersionRow = {
  number: number;
  created_at: Date;
  restored_from: number | null;
  node_count: number;
  author_id: string | null;
  author_email: string | null;
  author_name: string | null;
};

const SUMMARY_COLUMNS = `v.number, v.created_at, v.restored_from,
       coalesce(jsonb_array_length(v.document -> 'nodes'), 0)::int AS node_count,
       u.id AS author_id, u.email AS author_email, u.name AS author_name`;

export class FlowVersionHistory {
  constructor(private readonly deps: { pool: pg.Pool; flows: FlowService }) {}

  async list(input: ListVersionsInput): Promise<FlowVersionPage> {
    const flow = await this.flowOrThrow(input.id);
    const limit = input.limit ?? DEFAULT_VERSION_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_VERSION_PAGE) {
      throw new InvalidRequestError(
        'INVALID_LIMIT',
        `limit must be a whole number from 1 to ${MAX_VERSION_PAGE}.`,
      );
    }
    const { rows } = await this.deps.pool.query<VersionRow>(
      `SELECT ${SUMMARY_COLUMNS}
         FROM flow_versions v
         LEFT JOIN users u ON u.id = v.created_by
        WHERE v.flow_id = $1 AND ($2::int IS NULL OR v.number < $2)
        ORDER BY v.number DESC
        LIMIT $3`,
      [flow.id, input.cursor ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(toSummary),
      nextCursor: rows.length > limit ? (page.at(-1)?.number ?? null) : null,
      latestVersion: flow.latestVersion,
    };
  }

  async get(flowId: string, number: number): Promise<FlowVersionDetail> {
    const flow = await this.flowOrThrow(flowId);
    const { rows } = await this.deps.pool.query<VersionRow & { document: unknown }>(
      `SELECT ${SUMMARY_COLUMNS}, v.document
         FROM flow_versions v
         LEFT JOIN users u ON u.id = v.created_by
        WHERE v.flow_id = $1 AND v.number = $2`,
      [flow.id, number],
    );
    const row = rows[0];
    if (!row) throw versionNotFound(flow, number);
    return { ...toSummary(row), flowId: flow.id, document: storedDocument(row.document) };
  }

  /**
   * Saves version `number`'s document (its name and description too) as the flow's newest
   * version, by `savedBy`. A version identical to the latest saves nothing, as any save does.
   */
  async restore(flowId: string, number: number, savedBy: SavedBy): Promise<SavedFlow> {
    const { document } = await this.get(flowId, number);
    return this.deps.flows.update(
      {
        id: flowId,
        name: document.name,
        description: document.description ?? null,
        document,
        restoredFrom: number,
      },
      savedBy,
    );
  }

  private async flowOrThrow(
    id: string,
  ): Promise<{ id: string; name: string; latestVersion: number | null }> {
    if (!isUuid(id)) throw new NotFoundError('Flow', id);
    const { rows } = await this.deps.pool.query<{ name: string; latest: number | null }>(
      `SELECT f.name, (SELECT max(number) FROM flow_versions WHERE flow_id = f.id) AS latest
         FROM flows f WHERE f.id = $1 AND f.deleted_at IS NULL`,
      [id],
    );
    const flow = rows[0];
    if (!flow) throw new NotFoundError('Flow', id);
    return { id, name: flow.name, latestVersion: flow.latest };
  }
}

function versionNotFound(
  flow: { id: string; name: string; latestVersion: number | null },
  number: number,
): NotFoundError {
  const hint =
    flow.latestVersion === null
      ? `Flow "${flow.name}" has no saved versions.`
      : `Flow "${flow.name}" has versions 1 to ${flow.latestVersion}.`;
  return new NotFoundError('Flow version', `${number}`, hint);
}

function toSummary(row: VersionRow): FlowVersionSummary {
  return {
    number: row.number,
    createdAt: row.created_at.toISOString(),
    author:
      row.author_id && row.author_email
        ? { id: row.author_id, email: row.author_email, name: row.author_name }
        : null,
    nodeCount: row.node_count,
    restoredFrom: row.restored_from,
  };
}
