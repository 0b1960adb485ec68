/** The shapes flows travel in over the API (dates as ISO strings; no tRPC transformer). */
import { type FlowDocument, storedFlowDocumentSchema } from '@patchbay/engine';
import { parseRunStatus, type RunStatus } from '../runs/run-status.ts';
import type { SaveWarning } from './egress-warnings.ts';

export type FlowSummary = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  nodeCount: number;
  latestVersion: number | null;
  lastRun: { id: string; status: RunStatus; createdAt: string } | null;
  /** When the flow was deleted (listed with `deleted: true`); null otherwise. */
  deletedAt: string | null;
  /** Switched on: its trigger (webhook, schedule) starts runs. Manual runs work either way. */
  active: boolean;
  /** When it was last switched on; null if never. */
  activatedAt: string | null;
};

export type FlowDetail = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  latestVersion: number | null;
  /** Switched on: its trigger (webhook, schedule) starts runs. Manual runs work either way. */
  active: boolean;
  activatedAt: string | null;
  document: FlowDocument;
};

/** What a save returns: the flow, and warnings that did not stop the save. */
export type SavedFlow = FlowDetail & { warnings: SaveWarning[] };

type FlowRow = {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  active: boolean;
  activatedAt: Date | null;
  document: unknown;
  versions: { number: number }[];
};

type FlowSummaryRow = FlowRow & {
  deletedAt: Date | null;
  runs: { id: string; status: string; createdAt: Date }[];
};

/**
 * Stored documents were validated before they were written; parsing restores their type. The
 * node and edge counts are not checked again, so a flow over today's limits (saved under other
 * limits, or written into the database by hand) still opens; saving or running it says what is
 * over. A document that is not a flow at all is corrupt data: an internal error, logged.
 */
export function storedDocument(document: unknown): FlowDocument {
  return storedFlowDocumentSchema.parse(document);
}

export function toFlowDetail(row: FlowRow): FlowDetail {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    latestVersion: row.versions[0]?.number ?? null,
    active: row.active,
    activatedAt: row.activatedAt ? row.activatedAt.toISOString() : null,
    document: storedDocument(row.document),
  };
}

export function toFlowSummary(row: FlowSummaryRow): FlowSummary {
  const lastRun = row.runs[0];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    nodeCount: countNodes(row.document),
    latestVersion: row.versions[0]?.number ?? null,
    lastRun: lastRun
      ? {
          id: lastRun.id,
          status: parseRunStatus(lastRun.status),
          createdAt: lastRun.createdAt.toISOString(),
        }
      : null,
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
    active: row.active,
    activatedAt: row.activatedAt ? row.activatedAt.toISOString() : null,
  };
}

function countNodes(document: unknown): number {
  if (document !== null && typeof document === 'object' && 'nodes' in document) {
    const { nodes } = document as { nodes: unknown };
    return Array.isArray(nodes) ? nodes.length : 0;
  }
  return 0;
}
