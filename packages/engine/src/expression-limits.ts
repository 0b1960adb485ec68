/**
 * The bounds every JSONata evaluation runs under, and the errors for reaching them. An evaluator
 * throws ExpressionError; evaluateExpression adds the node and the config field to its message.
 */
import { PatchbayError } from './errors.ts';

/** A node's expressions get this long each unless its policy sets `expressionTimeoutMs`. */
export const DEFAULT_EXPRESSION_TIMEOUT_MS = 2_000;
/** The most a node's policy may allow one expression. */
export const MAX_EXPRESSION_TIMEOUT_MS = 30_000;
/**
 * Nesting of JSONata evaluation steps (JSONata's `stack` option). Recursion that is not a tail
 * call grows it by a few steps per call and holds memory for each, so reaching it is reported as
 * a memory limit.
 */
export const MAX_EXPRESSION_DEPTH = 10_000;
/** Items in one sequence JSONata builds (its `sequence` option; ranges are capped at 1e7 anyway). */
export const MAX_EXPRESSION_SEQUENCE = 10_000_000;
/** An expression's result, as JSON, may be at most this many characters (outputs are persisted). */
export const MAX_EXPRESSION_RESULT_CHARS = 16 * 1024 * 1024;

export const EXPRESSION_ERROR_CODES = {
  failed: 'EXPRESSION_FAILED',
  timeout: 'EXPRESSION_TIMEOUT',
  memory: 'EXPRESSION_MEMORY_LIMIT',
} as const;
export type ExpressionErrorCode =
  (typeof EXPRESSION_ERROR_CODES)[keyof typeof EXPRESSION_ERROR_CODES];

/** Which bound an EXPRESSION_MEMORY_LIMIT reached. */
export type MemoryBound = 'depth' | 'sequence' | 'string' | 'heap' | 'result';

/**
 * An expression failed, ran out of time, or reached a memory bound. The message is the problem
 * only ("did not finish within 2000 ms"); evaluateExpression prefixes the node and field. Never
 * retried: the same expression on the same data fails the same way.
 */
export class ExpressionError extends PatchbayError {
  declare readonly code: ExpressionErrorCode;

  constructor(
    code: ExpressionErrorCode,
    problem: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, problem, { ...options, retryable: false });
  }

  static timeout(timeoutMs: number): ExpressionError {
    return new ExpressionError(
      EXPRESSION_ERROR_CODES.timeout,
      `did not finish within ${timeoutMs} ms`,
      { details: { timeoutMs } },
    );
  }

  static memory(bound: MemoryBound, what: string, limit?: number): ExpressionError {
    return new ExpressionError(
      EXPRESSION_ERROR_CODES.memory,
      `exceeded its memory limit: ${what}`,
      { details: { bound, ...(limit === undefined ? {} : { limit }) } },
    );
  }
}

/**
 * Thrown by the in-process fast path when an evaluation needs more than a fast path may spend
 * (its time budget, data larger than its caps, a regular expression): the caller evaluates it
 * again in the sandbox. JSONata is pure, so evaluating twice is harmless.
 */
export class ExpressionNeedsIsolation extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`expression needs the sandbox: ${reason}`);
    this.name = 'ExpressionNeedsIsolation';
    this.reason = reason;
  }
}
