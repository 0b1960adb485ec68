/**
 * Step rows as the worker writes them: one shape for every event, and the SQL that upserts any
 * number of them in one statement (a JSON array expanded by jsonb_to_recordset, so a batch costs
 * one round trip however many rows it holds). Keyed by (run, node, attempt): a repeated or
 * resumed attempt overwrites its own row.
 */
import { toJsonText } from '../db/json-column.ts';
import { SerializedJson } from './serialized-values.ts';

export type StepRow = {
  node_id: string;
  node_type: string;
  attempt: number;
  status: string;
  /** A value, or its JSON text already serialised (SerializedJson), as are input and output. */
  input: unknown;
  output: unknown;
  port: string | null;
  error: unknown;
  skip_reason: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  retry_delay_ms: number | null;
  next_attempt_at: Date | null;
  wait_reason: string | null;
  waiting_since: Date | null;
  /** The run's step order (step-sequence.ts). */
  seq: number;
};

const COLUMNS = `node_id text, node_type text, attempt int, status text, input jsonb, output jsonb,
  port text, error jsonb, skip_reason text, started_at timestamptz, finished_at timestamptz,
  duration_ms int, retry_delay_ms int, next_attempt_at timestamptz, wait_reason text,
  waiting_since timestamptz, seq int`;

const UPDATED = [
  'node_type',
  'status',
  'input',
  'output',
  'port',
  'error',
  'skip_reason',
  'started_at',
  'finished_at',
  'duration_ms',
  'retry_delay_ms',
  'next_attempt_at',
  'wait_reason',
  'waiting_since',
  'seq',
];

/**
 * INSERT ... ON CONFLICT DO UPDATE of the rows in the JSON array parameter `rowsParam`, for run
 * `runIdParam`. `guard`, when given, is a condition every row must meet (e.g. that the run's
 * update in the same statement matched), so the rows are written only together with it.
 */
export function upsertStepsSql(runIdParam: string, rowsParam: string, guard?: string): string {
  return upsertSql(runIdParam, rowsParam, COLUMNS, guard);
}

/**
 * The same for rows of several runs (serializeStepRowsOfRuns): each row names its run in
 * `run_id`, which `guard` may test as `s.run_id`.
 */
export function upsertStepsOfRunsSql(rowsParam: string, guard?: string): string {
  return upsertSql('s.run_id', rowsParam, `run_id uuid, ${COLUMNS}`, guard);
}

function upsertSql(runId: string, rowsParam: string, columnList: string, guard?: string): string {
  const columns = ['node_id', 'attempt', ...UPDATED];
  return `INSERT INTO step_runs (id, run_id, ${columns.join(', ')})
  SELECT gen_random_uuid(), ${runId}, ${columns.map((column) => `s.${column}`).join(', ')}
    FROM jsonb_to_recordset(${rowsParam}::jsonb) AS s(${columnList})
   ${guard ? `WHERE ${guard}` : ''}
  ON CONFLICT (run_id, node_id, attempt) DO UPDATE SET
    ${UPDATED.map((column) => `${column} = excluded.${column}`).join(',\n    ')}`;
}

/**
 * The rows as one JSON text. Values already serialised (SerializedJson) are spliced in as they
 * are; any other value is made storable by toJsonText (bigint, NUL characters and unpaired
 * surrogates, which jsonb rejects; a value JSON cannot express at all is described instead).
 */
export function serializeStepRows(rows: readonly StepRow[]): string {
  return `[${rows.map((row) => serializeRow(row, '')).join(',')}]`;
}

/** Rows of several runs as one JSON text, each with its `run_id` (upsertStepsOfRunsSql). */
export function serializeStepRowsOfRuns(
  runs: readonly { runId: string; rows: readonly StepRow[] }[],
): string {
  const texts: string[] = [];
  for (const run of runs) {
    const prefix = `"run_id":${JSON.stringify(run.runId)},`;
    for (const row of run.rows) texts.push(serializeRow(row, prefix));
  }
  return `[${texts.join(',')}]`;
}

function serializeRow(row: StepRow, prefix: string): string {
  const { input, output, error, ...rest } = row;
  // `rest` is never empty, so its text is `{"node_id":…}`: the values go in front of its fields.
  return `{${prefix}"input":${jsonText(input)},"output":${jsonText(output)},"error":${jsonText(error)},${toJsonText(rest).slice(1)}`;
}

function jsonText(value: unknown): string {
  return value instanceof SerializedJson ? value.text : toJsonText(value);
}
