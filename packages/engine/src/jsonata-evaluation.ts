/**
 * JSONata evaluation under limits. JSONata checks a deadline, the nesting depth and sequence
 * lengths at every evaluation step (its `timeout`, `stack` and `sequence` options). Ahead of a
 * sandbox, the fast path evaluates in process with a short budget and the caps of
 * jsonata-fast-path.ts, and gives up with ExpressionNeedsIsolation when either is reached.
 * Depends on jsonata and plain modules only: the sandbox process loads it without the engine.
 */
import jsonata from 'jsonata';
import {
  ExpressionError,
  ExpressionNeedsIsolation,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_RESULT_CHARS,
  MAX_EXPRESSION_SEQUENCE,
} from './expression-limits.ts';
import {
  checkStepResult,
  containsRegex,
  EVALUATE_EXIT_HOOK,
  FAST_PATH_CAPS,
  IsolatingRegexEngine,
  jsonLengthExceeds,
  loadGuardedBuiltIns,
} from './jsonata-fast-path.ts';

/** What an expression sees: `$` is `input`; `$nodes` and `$trigger` are bound variables. */
export type JsonataScope = {
  readonly input: unknown;
  readonly nodes: Readonly<Record<string, unknown>>;
  readonly trigger: unknown;
};

export type JsonataLimits = {
  /** The expression fails with EXPRESSION_TIMEOUT when it runs longer. */
  timeoutMs: number;
  /**
   * In process, ahead of a sandbox: after this long, or at once for work that could hold the
   * event loop (see FAST_PATH_CAPS, regular expressions), stop with ExpressionNeedsIsolation so
   * that the caller evaluates the expression in the sandbox. Unset: evaluate to the end.
   */
  fastPathBudgetMs?: number;
};

export type ExpressionSyntaxError = {
  message: string;
  /** Character offset reported by JSONata, when it gives one. */
  position?: number;
  token?: string;
};

type Compiled = { expression: jsonata.Expression; regex: boolean };

const CACHE_LIMIT = 2000;
const compiledCache = new Map<string, Compiled>();

/**
 * Evaluates `source` over `scope` within `limits`. Throws ExpressionError (EXPRESSION_FAILED,
 * EXPRESSION_TIMEOUT, EXPRESSION_MEMORY_LIMIT), or on the fast path ExpressionNeedsIsolation.
 */
export async function evaluateJsonata(
  source: string,
  scope: JsonataScope,
  limits: JsonataLimits,
): Promise<unknown> {
  const { timeoutMs, fastPathBudgetMs } = limits;
  const fast = fastPathBudgetMs !== undefined;
  const deadlineMs = fast ? Math.min(fastPathBudgetMs, timeoutMs) : timeoutMs;
  const compiled = fast
    ? await compileFast(source, deadlineMs)
    : compileBounded(source, deadlineMs);
  if (compiled.regex) throw new ExpressionNeedsIsolation('a regular expression');
  let result: unknown;
  try {
    result = await compiled.expression.evaluate(scope.input, {
      nodes: scope.nodes,
      trigger: scope.trigger,
    });
  } catch (error) {
    throw classifyJsonataError(error, {
      timeoutMs,
      isolateOnTimeout: fast && deadlineMs < timeoutMs,
      fast,
    });
  }
  if (fast && jsonLengthExceeds(result, MAX_EXPRESSION_RESULT_CHARS)) {
    // The sandbox measures the result exactly, and fails it when it is too large.
    throw new ExpressionNeedsIsolation('a large result');
  }
  return result;
}

function compileBounded(source: string, timeoutMs: number): Compiled {
  return cached(`b${timeoutMs}:${source}`, () => ({
    expression: compile(source, {
      timeout: timeoutMs,
      stack: MAX_EXPRESSION_DEPTH,
      sequence: MAX_EXPRESSION_SEQUENCE,
    }),
    regex: false,
  }));
}

async function compileFast(source: string, timeoutMs: number): Promise<Compiled> {
  const key = `f${timeoutMs}:${source}`;
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const builtIns = await loadGuardedBuiltIns();
  return cached(key, () => {
    const expression = compile(source, {
      timeout: timeoutMs,
      stack: MAX_EXPRESSION_DEPTH,
      sequence: FAST_PATH_CAPS.items,
      RegexEngine: IsolatingRegexEngine as unknown as RegExpConstructor,
    });
    for (const [name, guarded] of builtIns) expression.assign(name, guarded);
    // JSONata's binding API takes symbols too (its hooks are looked up by symbol).
    expression.assign(EVALUATE_EXIT_HOOK as unknown as string, checkStepResult);
    return { expression, regex: containsRegex(expression.ast()) };
  });
}

function compile(source: string, options: jsonata.JsonataOptions): jsonata.Expression {
  try {
    return jsonata(source, options);
  } catch (error) {
    const details = toSyntaxError(error);
    throw new ExpressionError(
      'EXPRESSION_FAILED',
      `does not compile: ${describeSyntaxError(details)}`,
      {
        details: { ...details },
        cause: error,
      },
    );
  }
}

function cached(key: string, build: () => Compiled): Compiled {
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const compiled = build();
  if (compiledCache.size >= CACHE_LIMIT) {
    // Maps iterate in insertion order, so this evicts the oldest entry.
    const oldest = compiledCache.keys().next();
    if (!oldest.done) compiledCache.delete(oldest.value);
  }
  compiledCache.set(key, compiled);
  return compiled;
}

type ThrownByJsonata = { code?: unknown; value?: unknown; message?: unknown; error?: unknown };

/**
 * Maps what JSONata threw to an ExpressionError, or passes ExpressionNeedsIsolation on. `$eval`
 * wraps the errors of the expression it evaluates (in `error`), so the whole chain is read.
 */
export function classifyJsonataError(
  thrown: unknown,
  context: { timeoutMs: number; isolateOnTimeout: boolean; fast: boolean },
): Error {
  for (let link: unknown = thrown, hops = 0; link && hops < 20; hops++) {
    if (link instanceof ExpressionNeedsIsolation || link instanceof ExpressionError) return link;
    if (typeof link !== 'object') break;
    const { code, value, message, error } = link as ThrownByJsonata;
    switch (code) {
      case 'D1012':
        return context.isolateOnTimeout
          ? new ExpressionNeedsIsolation('its time budget')
          : ExpressionError.timeout(context.timeoutMs);
      case 'D1011':
        return ExpressionError.memory(
          'depth',
          `evaluation nested deeper than ${MAX_EXPRESSION_DEPTH} steps (runaway recursion?)`,
          MAX_EXPRESSION_DEPTH,
        );
      case 'D2015':
        if (context.fast) return new ExpressionNeedsIsolation('a long sequence');
        return ExpressionError.memory(
          'sequence',
          `a sequence of more than ${value} items`,
          Number(value),
        );
      case 'D2014':
        return ExpressionError.memory('sequence', `a range of ${value} items (at most 1e7)`, 1e7);
      default:
    }
    if (link instanceof RangeError && typeof message === 'string') {
      if (message.includes('call stack')) {
        return ExpressionError.memory('depth', 'the call stack overflowed');
      }
      if (/Invalid (string|array|typed array) length/.test(message)) {
        return ExpressionError.memory('heap', `a value larger than JavaScript allows (${message})`);
      }
    }
    link = error;
  }
  const details = toSyntaxError(thrown);
  return new ExpressionError('EXPRESSION_FAILED', `failed: ${describeSyntaxError(details)}`, {
    details: { ...details },
    cause: thrown,
  });
}

export function toSyntaxError(error: unknown): ExpressionSyntaxError {
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

export function describeSyntaxError(error: ExpressionSyntaxError): string {
  return error.position === undefined
    ? error.message
    : `${error.message} (at character ${error.position})`;
}
