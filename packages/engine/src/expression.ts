/**
 * JSONata in node configs: syntax checks (compiled once per source) and evaluation against a
 * run's bindings (`$`, `$nodes`, `$trigger`) by the run's evaluator, within the node's limits.
 */
import jsonata from 'jsonata';
import { NodeExecutionError, PatchbayError } from './errors.ts';
import { type ExpressionRuntime, inProcessExpressionEvaluator } from './expression-evaluator.ts';
import { DEFAULT_EXPRESSION_TIMEOUT_MS, ExpressionError } from './expression-limits.ts';
import {
  describeSyntaxError,
  type ExpressionSyntaxError,
  type JsonataScope,
  toSyntaxError,
} from './jsonata-evaluation.ts';

export { describeSyntaxError, type ExpressionSyntaxError };

/** What an expression sees (`$` is `input`), and where and how long it may run. */
export type ExpressionScope = JsonataScope & {
  /**
   * The evaluator and the node's time limit; the executor passes the run's evaluator and the
   * node's `expressionTimeoutMs`. Default: in process, DEFAULT_EXPRESSION_TIMEOUT_MS.
   */
  readonly expressions?: ExpressionRuntime | undefined;
  /** The attempt's signal: a sandboxed evaluation stops when the attempt ends. */
  readonly signal?: AbortSignal | undefined;
};

/** Where an expression lives, so that an error can name the node and the config field. */
export type ExpressionSite = { readonly nodeId: string; readonly field: string };

type CompileResult =
  | { ok: true; expression: jsonata.Expression }
  | { ok: false; error: ExpressionSyntaxError };

const DEFAULT_RUNTIME: ExpressionRuntime = Object.freeze({
  evaluator: inProcessExpressionEvaluator,
  timeoutMs: DEFAULT_EXPRESSION_TIMEOUT_MS,
});

const CACHE_LIMIT = 2000;
const cache = new Map<string, CompileResult>();

/** Compiles once per distinct source; later calls hit the cache. */
export function compileExpression(source: string): CompileResult {
  const hit = cache.get(source);
  if (hit) return hit;
  let result: CompileResult;
  try {
    result = { ok: true, expression: jsonata(source) };
  } catch (error) {
    result = { ok: false, error: toSyntaxError(error) };
  }
  if (cache.size >= CACHE_LIMIT) {
    // Maps iterate in insertion order, so this evicts the oldest entry.
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(source, result);
  return result;
}

/** Returns a readable syntax error, or undefined when the expression compiles. */
export function checkExpressionSyntax(source: string): ExpressionSyntaxError | undefined {
  const result = compileExpression(source);
  return result.ok ? undefined : result.error;
}

/**
 * Evaluates `source` in `scope`. Failures become NodeExecutionError EXPRESSION_FAILED,
 * EXPRESSION_TIMEOUT or EXPRESSION_MEMORY_LIMIT, naming the node and field; none is retried. An
 * undefined result (JSONata's "no match") stays undefined.
 */
export async function evaluateExpression(
  source: string,
  scope: ExpressionScope,
  site: ExpressionSite,
): Promise<unknown> {
  const compiled = compileExpression(source);
  if (!compiled.ok) {
    throw expressionFailed(
      site,
      `does not compile: ${describeSyntaxError(compiled.error)}`,
      compiled.error,
    );
  }
  const { evaluator, timeoutMs } = scope.expressions ?? DEFAULT_RUNTIME;
  let result: unknown;
  try {
    result = await evaluator.evaluate({
      source,
      input: scope.input,
      nodes: scope.nodes,
      trigger: scope.trigger,
      timeoutMs,
      signal: scope.signal,
    });
  } catch (error) {
    throw atSite(site, error);
  }
  return withoutSequenceMarkers(result);
}

/**
 * JSONata marks the arrays it builds with extra properties (`sequence`, `keepSingleton`, …). A
 * marked array fed to a later expression can be unwrapped differently from plain JSON, so marked
 * arrays are copied into plain ones. Unmarked values are returned as they are, without copying.
 */
export function withoutSequenceMarkers(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined =
      Object.keys(value).length !== value.length ? [...value] : undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const plain = withoutSequenceMarkers(item);
      if (plain !== item) {
        copy ??= [...value];
        copy[i] = plain;
      }
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const plain = withoutSequenceMarkers(item);
    if (plain !== item) {
      copy ??= { ...value };
      copy[key] = plain;
    }
  }
  return copy ?? value;
}

/** The evaluator's error, with the node and field; an attempt's own stop reason passes through. */
function atSite(site: ExpressionSite, error: unknown): unknown {
  if (error instanceof ExpressionError) {
    return new NodeExecutionError(
      site.nodeId,
      error.code,
      `Node "${site.nodeId}": expression in "${site.field}" ${error.message}`,
      { retryable: false, details: { field: site.field, ...error.details }, cause: error },
    );
  }
  // The attempt was stopped (cancelled, timed out): its reason is the step's error.
  if (error instanceof PatchbayError) return error;
  const details = toSyntaxError(error);
  return expressionFailed(site, `failed: ${describeSyntaxError(details)}`, details, error);
}

function expressionFailed(
  site: ExpressionSite,
  problem: string,
  details: ExpressionSyntaxError,
  cause?: unknown,
): NodeExecutionError {
  return new NodeExecutionError(
    site.nodeId,
    'EXPRESSION_FAILED',
    `Node "${site.nodeId}": expression in "${site.field}" ${problem}`,
    { retryable: false, details: { field: site.field, ...details }, cause },
  );
}
