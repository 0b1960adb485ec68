/**
 * The server's expression evaluator: in process while an evaluation is small and quick, in the
 * sandbox otherwise. The fast path (the engine's evaluateJsonata with a budget) stops after a few
 * milliseconds, or before any step that could hold the event loop, and the expression is then
 * evaluated again from the start in a sandbox process, where it can run to its full limit and be
 * killed. JSONata is pure, so the second evaluation sees and does the same.
 */
import {
  EXPRESSION_ERROR_CODES,
  ExpressionError,
  type ExpressionErrorCode,
  type ExpressionEvaluator,
  ExpressionNeedsIsolation,
  type ExpressionRequest,
  evaluateJsonata,
  PatchbayError,
} from '@patchbay/engine';
import { EventLoopTurns } from './event-loop-turns.ts';
import type { Sandbox } from './sandbox.ts';
import {
  SandboxClosedError,
  SandboxMemoryLimitError,
  SandboxTaskError,
  SandboxTimeoutError,
} from './sandbox-errors.ts';
import { siblingModule } from './sibling-module.ts';
import type { JsonataTaskInput } from './tasks/jsonata-task.ts';

/** The module of the `jsonata` task, for `new Sandbox({ tasks: { jsonata: JSONATA_TASK } })`. */
export const JSONATA_TASK = siblingModule('./tasks/jsonata-task', import.meta.url);

export type SandboxedExpressionOptions = {
  /** In-process time budget of one evaluation before it moves to the sandbox. Default 10 ms. */
  fastPathBudgetMs?: number;
  /** The event loop turns at least this often between in-process evaluations. Default 5 ms. */
  sliceMs?: number;
  /**
   * The sandbox process is killed this long after the expression's own limit, which JSONata
   * normally enforces first (a clean EXPRESSION_TIMEOUT keeps the process). Default 250 ms.
   */
  killGraceMs?: number;
};

export type SandboxedExpressionStats = {
  /** Evaluations finished in process. */
  inProcess: number;
  /** Evaluations sent to the sandbox. */
  sandboxed: number;
};

export type SandboxedExpressionEvaluator = ExpressionEvaluator & {
  readonly stats: SandboxedExpressionStats;
};

const CODES: ReadonlySet<string> = new Set(Object.values(EXPRESSION_ERROR_CODES));

export function createSandboxedExpressionEvaluator(
  sandbox: Sandbox,
  options: SandboxedExpressionOptions = {},
): SandboxedExpressionEvaluator {
  const fastPathBudgetMs = options.fastPathBudgetMs ?? 10;
  const killGraceMs = options.killGraceMs ?? 250;
  const turns = new EventLoopTurns(options.sliceMs ?? 5);
  const stats: SandboxedExpressionStats = { inProcess: 0, sandboxed: 0 };

  async function inSandbox(request: ExpressionRequest): Promise<unknown> {
    stats.sandboxed++;
    const { source, input, nodes, trigger, timeoutMs, signal } = request;
    const task: JsonataTaskInput = { source, input, nodes, trigger, timeoutMs };
    try {
      return await sandbox.run('jsonata', task, { timeoutMs: timeoutMs + killGraceMs, signal });
    } catch (error) {
      // Aborted: the attempt's own reason (cancelled, step timeout) is the step's error.
      if (signal?.aborted && error === signal.reason) throw error;
      throw toExpressionError(error, timeoutMs);
    }
  }

  return {
    stats,
    async evaluate(request) {
      const pause = turns.pause();
      if (pause) await pause;
      try {
        const result = await evaluateJsonata(request.source, request, {
          timeoutMs: request.timeoutMs,
          fastPathBudgetMs,
        });
        stats.inProcess++;
        return result;
      } catch (error) {
        if (!(error instanceof ExpressionNeedsIsolation)) throw error;
      }
      return inSandbox(request);
    },
  };
}

function toExpressionError(error: unknown, timeoutMs: number): unknown {
  if (error instanceof SandboxTimeoutError) return ExpressionError.timeout(timeoutMs);
  if (error instanceof SandboxMemoryLimitError) {
    return error.bound === 'heap'
      ? ExpressionError.memory('heap', `more than ${error.limit} MB`, error.limit)
      : ExpressionError.memory(
          'result',
          `a result of more than ${error.limit} characters of JSON`,
          error.limit,
        );
  }
  if (error instanceof SandboxTaskError) {
    const { code, message, details } = error.thrown;
    if (code !== undefined && CODES.has(code)) {
      return new ExpressionError(code as ExpressionErrorCode, message, {
        ...(details ? { details } : {}),
      });
    }
    return new ExpressionError(EXPRESSION_ERROR_CODES.failed, `failed: ${message}`);
  }
  if (error instanceof SandboxClosedError) {
    // Shutting down: another worker takes the run over and evaluates again.
    return new PatchbayError('WORKER_STOPPING', error.message, { retryable: true });
  }
  // The process crashed, or stopped for a reason that is already a domain error.
  if (error instanceof PatchbayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ExpressionError(EXPRESSION_ERROR_CODES.failed, `could not be evaluated: ${message}`);
}
