/** JSONata compilation (cached) and evaluation against a run's bindings: `$`, `$nodes`, `$trigger`. */
import jsonata from 'jsonata';
import { NodeExecutionError } from './errors.ts';

/** What an expression sees: `$` is `input`; `$nodes` and `$trigger` are bound variables. */
export type ExpressionScope = {
  readonly input: unknown;
  readonly nodes: Readonly<Record<string, unknown>>;
  readonly trigger: unknown;
};

/** Where an expression lives, so that an error can name the node and the config field. */
export type ExpressionSite = { readonly nodeId: string; readonly field: string };

export type ExpressionSyntaxError = {
  message: string;
  /** Character offset reported by JSONata, when it gives one. */
  position?: number;
  token?: string;
};

type CompileResult =
  | { ok: true; expression: jsonata.Expression }
  | { ok: false; error: ExpressionSyntaxError };

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

export function describeSyntaxError(error: ExpressionSyntaxError): string {
  return error.position === undefined
    ? error.message
    : `${error.message} (at character ${error.position})`;
}

/**
 * Evaluates `source` in `scope`. Failures become NodeExecutionError `EXPRESSION_FAILED`
 * naming the node and field. An undefined result (JSONata's "no match") stays undefined.
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
  let result: unknown;
  try {
    result = await compiled.expression.evaluate(scope.input, {
      nodes: scope.nodes,
      trigger: scope.trigger,
    });
  } catch (error) {
    const details = toSyntaxError(error);
    throw expressionFailed(site, `failed: ${describeSyntaxError(details)}`, details, error);
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

function toSyntaxError(error: unknown): ExpressionSyntaxError {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const { message, position, token } = error as {
    message?: unknown;
    position?: unknown;
    token?: unknown;
  };
  return {
    message: typeof message === 'string' ? message : String(error),
    ...(typeof position === 'number' ? { position } : {}),
    ...(typeof token === 'string' ? { token } : {}),
  };
}
