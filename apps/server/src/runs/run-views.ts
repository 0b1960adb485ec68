/** The shapes runs travel in over the API (dates as ISO strings; no tRPC transformer). */
import type { FlowDocument, SerializedError } from '@patchbay/engine';
import { storedDocument } from '../flows/flow-views.ts';
import {
  parseRunStatus,
  parseRunTrigger,
  parseStepStatus,
  type RunStatus,
  type RunTrigger,
  type StepStatus,
} from './run-status.ts';

export type RunSummary = {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  trigger: RunTrigger;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: SerializedError | null;
};

export type StepRunView = {
  id: string;
  nodeId: string;
  nodeType: string;
  attempt: number;
  status: StepStatus;
  input: unknown;
  output: unknown;
  port: string | null;
  error: SerializedError | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  skipReason: string | null;
};

export type RunDetail = RunSummary & {
  /** The flow version that ran. */
  document: FlowDocument;
  input: unknown;
  steps: StepRunView[];
};

type RunRow = {
  id: string;
  flowId: string;
  trigger: string;
  status: string;
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  flow: { name: string };
  flowVersion: { number: number };
};

type StepRow = {
  id: string;
  nodeId: string;
  nodeType: string;
  attempt: number;
  status: string;
  input: unknown;
  output: unknown;
  port: string | null;
  error: unknown;
  skipReason: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
};

export function toRunSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    flowId: row.flowId,
    flowName: row.flow.name,
    flowVersion: row.flowVersion.number,
    trigger: parseRunTrigger(row.trigger),
    status: parseRunStatus(row.status),
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    durationMs: row.durationMs,
    error: storedError(row.error),
  };
}

export function toRunDetail(
  row: RunRow & { input: unknown; flowVersion: { number: number; document: unknown } },
  steps: StepRow[],
): RunDetail {
  return {
    ...toRunSummary(row),
    document: storedDocument(row.flowVersion.document),
    input: row.input,
    steps: steps.map(toStepRunView),
  };
}

function toStepRunView(row: StepRow): StepRunView {
  return {
    id: row.id,
    nodeId: row.nodeId,
    nodeType: row.nodeType,
    attempt: row.attempt,
    status: parseStepStatus(row.status),
    input: row.input,
    output: row.output,
    port: row.port,
    error: storedError(row.error),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    durationMs: row.durationMs,
    skipReason: row.skipReason,
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Errors are written by the runner as SerializedError objects. */
function storedError(value: unknown): SerializedError | null {
  if (value !== null && typeof value === 'object' && 'message' in value && 'code' in value) {
    return value as SerializedError;
  }
  return null;
}
