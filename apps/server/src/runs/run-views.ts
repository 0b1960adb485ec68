/** The shapes runs travel in over the API (dates as ISO strings; no tRPC transformer). */
import type { FlowDocument, SerializedError, StepWaitReason } from '@patchbay/engine';
import { storedDocument } from '../flows/flow-views.ts';
import type { RunDetailRecord, StepRecord, TruncatedValue } from './run-detail-query.ts';
import {
  parseRetryMode,
  parseRunStatus,
  parseRunTrigger,
  parseStepStatus,
  parseWaitReason,
  type RetryMode,
  type RunStatus,
  type RunTrigger,
  type StepStatus,
} from './run-status.ts';

export type RunSummary = {
  id: string;
  flowId: string;
  flowName: string;
  /** The flow was deleted: the run is kept in the history, the flow cannot run again. */
  flowDeleted: boolean;
  flowVersion: number;
  trigger: RunTrigger;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: SerializedError | null;
};

export type { TruncatedValue };

export type StepRunView = {
  id: string;
  nodeId: string;
  nodeType: string;
  attempt: number;
  status: StepStatus;
  /** The value, or a TruncatedValue when `inputTruncated` (download it with runs.value). */
  input: unknown;
  inputTruncated: boolean;
  /** The value, or a TruncatedValue when `outputTruncated`. */
  output: unknown;
  outputTruncated: boolean;
  port: string | null;
  error: SerializedError | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  skipReason: string | null;
  /** A failed attempt that is retried: the backoff before the next attempt. */
  retryDelayMs: number | null;
  /** When the next attempt runs (failed and retried), or when a waiting attempt may go on. */
  nextAttemptAt: string | null;
  /** Status waiting: what the attempt waits for. */
  waitReason: StepWaitReason | null;
  /** Reused by a retry from the failed step: the run that executed this step. */
  reusedFromRunId: string | null;
  /**
   * The run's step order: 1, 2, 3 … in the order the executor first recorded each attempt
   * (started, waiting for its retry, or skipped). Steps come sorted by it.
   */
  seq: number;
};

export type RunDetail = RunSummary & {
  /** The flow version that ran. */
  document: FlowDocument;
  /** The trigger input, or a TruncatedValue when `inputTruncated`. */
  input: unknown;
  inputTruncated: boolean;
  /** How many times a worker picked the run up; more than 1 means it was resumed. */
  executions: number;
  /** Set on a retry: the failed or cancelled run it retries, and from where. */
  retryOfRunId: string | null;
  retryMode: RetryMode | null;
  idempotencyKey: string | null;
  /** A running run that is suspended (a long retry or rate-limit wait) resumes at this time. */
  wakeAt: string | null;
  cancelRequestedAt: string | null;
  /** The run fails with RUN_TIMEOUT if still going at this time. */
  deadlineAt: string | null;
  /** Retention cleared the input and output of its steps then (PATCHBAY_STEP_DATA_RETENTION_DAYS). */
  stepDataPrunedAt: string | null;
  steps: StepRunView[];
};

/** The columns a run summary is made of (runs.list, and the head of runs.get). */
export type RunRow = {
  id: string;
  flowId: string;
  trigger: string;
  status: string;
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  flow: { name: string; deletedAt: Date | null };
  flowVersion: { number: number };
};

export function toRunSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    flowId: row.flowId,
    flowName: row.flow.name,
    flowDeleted: row.flow.deletedAt !== null,
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

export function toRunDetail(row: RunDetailRecord, steps: StepRecord[]): RunDetail {
  return {
    ...toRunSummary(row),
    document: storedDocument(row.flowVersion.document),
    input: row.input.value,
    inputTruncated: row.input.truncated,
    executions: row.executions,
    retryOfRunId: row.retryOfRunId,
    retryMode: row.retryMode === null ? null : parseRetryMode(row.retryMode),
    idempotencyKey: row.idempotencyKey,
    wakeAt: iso(row.wakeAt),
    cancelRequestedAt: iso(row.cancelRequestedAt),
    deadlineAt: iso(row.deadlineAt),
    stepDataPrunedAt: iso(row.stepDataPrunedAt),
    steps: steps.map(toStepRunView),
  };
}

function toStepRunView(row: StepRecord): StepRunView {
  return {
    id: row.id,
    nodeId: row.nodeId,
    nodeType: row.nodeType,
    attempt: row.attempt,
    status: parseStepStatus(row.status),
    input: row.input.value,
    inputTruncated: row.input.truncated,
    output: row.output.value,
    outputTruncated: row.output.truncated,
    port: row.port,
    error: storedError(row.error),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    durationMs: row.durationMs,
    skipReason: row.skipReason,
    retryDelayMs: row.retryDelayMs,
    nextAttemptAt: iso(row.nextAttemptAt),
    waitReason: row.waitReason === null ? null : parseWaitReason(row.waitReason),
    reusedFromRunId: row.reusedFromRunId,
    seq: row.seq,
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
