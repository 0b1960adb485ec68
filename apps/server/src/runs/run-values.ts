/**
 * runs.value: one whole value of a run as its JSON text, for downloading what runs.get shows only
 * as a preview. The text is read as PostgreSQL renders it and passed on without being parsed.
 */
import type pg from 'pg';
import { InvalidRequestError, NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';

export const RUN_VALUE_FIELDS = ['input', 'output'] as const;
export type RunValueField = (typeof RUN_VALUE_FIELDS)[number];

export type RunValueInput = {
  runId: string;
  /** A step of the run; without it, the run's own (trigger) input. */
  stepId?: string | undefined;
  field: RunValueField;
};

/** `json`: the value's JSON text (`null` when it has none); `bytes`: its size in UTF-8. */
export type RunValue = { json: string; bytes: number };

export async function loadRunValue(pool: pg.Pool, input: RunValueInput): Promise<RunValue> {
  const { runId, stepId, field } = input;
  if (!isUuid(runId)) throw new NotFoundError('Run', runId);
  if (stepId === undefined) {
    if (field !== 'input') {
      throw new InvalidRequestError(
        'INVALID_FIELD',
        'A run has an input only; name a step (stepId) to download its output.',
      );
    }
    const { rows } = await pool.query<{ json: string | null }>(
      'SELECT input::text AS json FROM runs WHERE id = $1',
      [runId],
    );
    if (!rows[0]) throw new NotFoundError('Run', runId);
    return runValueOf(rows[0].json);
  }
  const { rows } = isUuid(stepId)
    ? await pool.query<{ json: string | null }>(
        `SELECT ${field === 'input' ? 'input' : 'output'}::text AS json
           FROM step_runs WHERE id = $1 AND run_id = $2`,
        [stepId, runId],
      )
    : { rows: [] };
  if (!rows[0]) {
    throw new NotFoundError('Run', runId, `It has no step "${stepId}", or it was purged.`);
  }
  return runValueOf(rows[0].json);
}

function runValueOf(json: string | null): RunValue {
  const text = json ?? 'null';
  return { json: text, bytes: Buffer.byteLength(text, 'utf8') };
}
