/**
 * Reads a run with its steps for runs.get, with large values cut down in SQL: a run input, step
 * input or step output larger than the preview size comes back as a preview (the first bytes of
 * its JSON text) with its full size, and all the values of one run together stay within a budget,
 * so a run with hundreds of large steps is still a bounded answer. The database converts and
 * measures each value; only the previews travel. runs.value (run-values.ts) fetches a full value.
 */
import type pg from 'pg';
import type { RunRow } from './run-views.ts';

export type RunPreviewLimits = {
  /** A value whose JSON text is larger than this is shown as a preview this long. */
  previewBytes: number;
  /** Most bytes of values (previews included) one run's answer carries in total. */
  runBudgetBytes: number;
};

export const DEFAULT_RUN_PREVIEW_LIMITS: RunPreviewLimits = {
  previewBytes: 64 * 1024,
  runBudgetBytes: 1024 * 1024,
};

/**
 * A value too large to send whole. `preview` is the start of its JSON text (at most the preview
 * size, cut on a character boundary), or empty when the run's budget was used up by earlier values.
 */
export type TruncatedValue = { truncated: true; bytes: number; preview: string };

/** A value as runs.get sends it: whole, or truncated (then `truncated` says so). */
export type PreviewedValue = { value: unknown; truncated: boolean };

type ValueColumns = { bytes: number | null; text: string | null; whole: boolean };

export type RunDetailRecord = Omit<RunRow, 'flowVersion'> & {
  executions: number;
  retryOfRunId: string | null;
  retryMode: string | null;
  idempotencyKey: string | null;
  wakeAt: Date | null;
  cancelRequestedAt: Date | null;
  deadlineAt: Date | null;
  stepDataPrunedAt: Date | null;
  flowVersion: { number: number; document: unknown };
  input: PreviewedValue;
};

export type StepRecord = {
  id: string;
  nodeId: string;
  nodeType: string;
  attempt: number;
  status: string;
  input: PreviewedValue;
  output: PreviewedValue;
  port: string | null;
  error: unknown;
  skipReason: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  retryDelayMs: number | null;
  nextAttemptAt: Date | null;
  waitReason: string | null;
  reusedFromRunId: string | null;
  seq: number;
};

/** $1 run id, $2 preview bytes. */
const RUN_SQL = `
SELECT r.id, r.flow_id, r.trigger, r.status, r.error, r.created_at, r.started_at, r.finished_at,
       r.duration_ms, r.executions, r.retry_of_run_id, r.retry_mode, r.idempotency_key, r.wake_at,
       r.cancel_requested_at, r.deadline_at, r.step_data_pruned_at,
       f.name AS flow_name, f.deleted_at AS flow_deleted_at,
       v.number AS flow_version, v.document AS flow_document,
       octet_length(i.text) AS input_bytes,
       octet_length(i.text) <= $2 AS input_whole,
       CASE WHEN octet_length(i.text) <= $2 THEN i.text ELSE left(i.text, $2) END AS input_text
  FROM runs r
  JOIN flows f ON f.id = r.flow_id
  JOIN flow_versions v ON v.id = r.flow_version_id
  CROSS JOIN LATERAL (SELECT r.input::text AS text) i
 WHERE r.id = $1`;

/** The worker's own order (step-sequence.ts); id only breaks a tie no writer should leave. */
const STEP_ORDER = 'seq ASC, id ASC';

/**
 * $1 run id, $2 preview bytes, $3 the budget left for the steps. `spent` is what this and every
 * earlier step's values cost (each value at most the preview size); past the budget, values are
 * left out (their size still given).
 */
const STEPS_SQL = `
WITH measured AS (
  SELECT s.id, s.node_id, s.node_type, s.attempt, s.status, s.port, s.error, s.skip_reason,
         s.started_at, s.finished_at, s.duration_ms, s.retry_delay_ms, s.next_attempt_at,
         s.wait_reason, s.reused_from_run_id, s.seq,
         v.input_text, v.output_text,
         octet_length(v.input_text) AS input_bytes, octet_length(v.output_text) AS output_bytes
    FROM step_runs s
    CROSS JOIN LATERAL (SELECT s.input::text AS input_text, s.output::text AS output_text) v
   WHERE s.run_id = $1
), budgeted AS (
  SELECT measured.*,
         sum(least(COALESCE(input_bytes, 0), $2) + least(COALESCE(output_bytes, 0), $2))
           OVER (ORDER BY ${STEP_ORDER} ROWS UNBOUNDED PRECEDING) AS spent
    FROM measured
)
SELECT id, node_id, node_type, attempt, status, port, error, skip_reason, started_at, finished_at,
       duration_ms, retry_delay_ms, next_attempt_at, wait_reason, reused_from_run_id, seq,
       input_bytes, output_bytes,
       input_bytes <= $2 AND spent <= $3 AS input_whole,
       output_bytes <= $2 AND spent <= $3 AS output_whole,
       CASE WHEN spent > $3 THEN NULL WHEN input_bytes <= $2 THEN input_text
            ELSE left(input_text, $2) END AS input_text,
       CASE WHEN spent > $3 THEN NULL WHEN output_bytes <= $2 THEN output_text
            ELSE left(output_text, $2) END AS output_text
  FROM budgeted
 ORDER BY ${STEP_ORDER}`;

type RunDetailRow = {
  id: string;
  flow_id: string;
  trigger: string;
  status: string;
  error: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  executions: number;
  retry_of_run_id: string | null;
  retry_mode: string | null;
  idempotency_key: string | null;
  wake_at: Date | null;
  cancel_requested_at: Date | null;
  deadline_at: Date | null;
  step_data_pruned_at: Date | null;
  flow_name: string;
  flow_deleted_at: Date | null;
  flow_version: number;
  flow_document: unknown;
  input_bytes: number | null;
  input_whole: boolean | null;
  input_text: string | null;
};

type StepRow = {
  id: string;
  node_id: string;
  node_type: string;
  attempt: number;
  status: string;
  port: string | null;
  error: unknown;
  skip_reason: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  retry_delay_ms: number | null;
  next_attempt_at: Date | null;
  wait_reason: string | null;
  reused_from_run_id: string | null;
  seq: number;
  input_bytes: number | null;
  output_bytes: number | null;
  input_whole: boolean | null;
  output_whole: boolean | null;
  input_text: string | null;
  output_text: string | null;
};

export async function loadRunDetail(
  pool: pg.Pool,
  runId: string,
  limits: RunPreviewLimits,
): Promise<{ run: RunDetailRecord; steps: StepRecord[] } | undefined> {
  const { rows } = await pool.query<RunDetailRow>({
    name: 'patchbay_run_detail',
    text: RUN_SQL,
    values: [runId, limits.previewBytes],
  });
  const row = rows[0];
  if (!row) return undefined;
  const input = previewed(
    { bytes: row.input_bytes, text: row.input_text, whole: row.input_whole === true },
    limits,
  );
  const inputCost = Math.min(row.input_bytes ?? 0, limits.previewBytes);
  const steps = await loadSteps(
    pool,
    runId,
    limits,
    Math.max(0, limits.runBudgetBytes - inputCost),
  );
  return {
    run: {
      id: row.id,
      flowId: row.flow_id,
      trigger: row.trigger,
      status: row.status,
      error: row.error,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      durationMs: row.duration_ms,
      executions: row.executions,
      retryOfRunId: row.retry_of_run_id,
      retryMode: row.retry_mode,
      idempotencyKey: row.idempotency_key,
      wakeAt: row.wake_at,
      cancelRequestedAt: row.cancel_requested_at,
      deadlineAt: row.deadline_at,
      stepDataPrunedAt: row.step_data_pruned_at,
      flow: { name: row.flow_name, deletedAt: row.flow_deleted_at },
      flowVersion: { number: row.flow_version, document: row.flow_document },
      input,
    },
    steps,
  };
}

async function loadSteps(
  pool: pg.Pool,
  runId: string,
  limits: RunPreviewLimits,
  budget: number,
): Promise<StepRecord[]> {
  const { rows } = await pool.query<StepRow>({
    name: 'patchbay_run_detail_steps',
    text: STEPS_SQL,
    values: [runId, limits.previewBytes, budget],
  });
  return rows.map((row) => ({
    id: row.id,
    nodeId: row.node_id,
    nodeType: row.node_type,
    attempt: row.attempt,
    status: row.status,
    input: previewed(
      { bytes: row.input_bytes, text: row.input_text, whole: row.input_whole === true },
      limits,
    ),
    output: previewed(
      { bytes: row.output_bytes, text: row.output_text, whole: row.output_whole === true },
      limits,
    ),
    port: row.port,
    error: row.error,
    skipReason: row.skip_reason,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    retryDelayMs: row.retry_delay_ms,
    nextAttemptAt: row.next_attempt_at,
    waitReason: row.wait_reason,
    reusedFromRunId: row.reused_from_run_id,
    seq: row.seq,
  }));
}

function previewed(columns: ValueColumns, limits: RunPreviewLimits): PreviewedValue {
  if (columns.bytes === null) return { value: null, truncated: false };
  if (columns.whole && columns.text !== null) {
    return { value: JSON.parse(columns.text) as unknown, truncated: false };
  }
  const truncated: TruncatedValue = {
    truncated: true,
    bytes: columns.bytes,
    preview: utf8Prefix(columns.text ?? '', limits.previewBytes),
  };
  return { value: truncated, truncated: true };
}

/** The longest start of `text` that is at most `maxBytes` of UTF-8, cut between characters. */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.codePointAt(end)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += code > 0xffff ? 2 : 1;
  }
  return text.slice(0, end);
}
