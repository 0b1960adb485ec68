/**
 * Checks every procedure's raw input before it is parsed: objects and arrays nested at most
 * MAX_JSON_DEPTH levels below the input object, and no NUL character or unpaired surrogate in any
 * string or object key (PostgreSQL stores neither; nesting that deep overflows recursive code).
 * A problem is a 400 naming the field, e.g. `input.document.nodes[2].config.expression`.
 */
import {
  describeJsonProblem,
  findJsonProblems,
  formatJsonPath,
  MAX_JSON_DEPTH,
} from '@patchbay/engine';
import { InvalidInputError } from '../domain-errors.ts';

/**
 * The first problem in `raw`, or undefined. Top-level fields named in `unchecked` are left to the
 * procedure (flows.validate reports problems in its document as validation issues).
 */
export function inputProblem(
  raw: unknown,
  unchecked: readonly string[] = [],
): InvalidInputError | undefined {
  let checked = raw;
  if (unchecked.length > 0 && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const rest: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    for (const key of unchecked) delete rest[key];
    checked = rest;
  }
  // The input object itself is level 0: a document or run input may nest MAX_JSON_DEPTH levels.
  const [problem] = findJsonProblems(checked, { rootLevel: 0, limit: 1 });
  if (!problem) return undefined;
  const field = formatJsonPath(problem.path, 'input');
  return new InvalidInputError(
    field,
    `Field "${field}" ${describeJsonProblem(problem, MAX_JSON_DEPTH)}.`,
    problem.kind,
  );
}
