/**
 * Where JSONata runs. The engine evaluates in process by default, bounded by JSONata's own
 * per-step checks; the server injects its sandbox (`@patchbay/sandbox`), which can also stop a
 * single long step and cap memory, through `executeFlow({ expressions })`.
 */
import { evaluateJsonata, type JsonataScope } from './jsonata-evaluation.ts';

export type ExpressionRequest = JsonataScope & {
  source: string;
  /** The expression fails with EXPRESSION_TIMEOUT when it runs longer. */
  timeoutMs: number;
  /** Aborted when the attempt ends (cancelled, step timeout): a sandboxed evaluation stops. */
  signal?: AbortSignal | undefined;
};

/** Evaluates one expression; throws ExpressionError when it fails or reaches a limit. */
export type ExpressionEvaluator = {
  evaluate(request: ExpressionRequest): Promise<unknown>;
};

/** An evaluator and the time limit of the node whose expressions it evaluates. */
export type ExpressionRuntime = {
  readonly evaluator: ExpressionEvaluator;
  readonly timeoutMs: number;
};

/**
 * In process, to the end: JSONata stops at its deadline between steps, but one long step (a
 * backtracking regular expression, a huge string) runs to its end on the caller's thread.
 */
export const inProcessExpressionEvaluator: ExpressionEvaluator = {
  evaluate: (request) => evaluateJsonata(request.source, request, { timeoutMs: request.timeoutMs }),
};
