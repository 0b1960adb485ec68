import { describe, expect, it } from 'vitest';
import { NodeExecutionError } from './errors.ts';
import {
  checkExpressionSyntax,
  compileExpression,
  evaluateExpression,
  withoutSequenceMarkers,
} from './expression.ts';
import {
  type ExpressionEvaluator,
  type ExpressionRequest,
  inProcessExpressionEvaluator,
} from './expression-evaluator.ts';
import { DEFAULT_RETRY_POLICY } from './resilience/policy.ts';
import { isRetryable } from './resilience/retry-classification.ts';

const scope = {
  input: { amount: 120, items: [1, 2, 3] },
  nodes: { fetch: { body: { orders: [{ id: 1, status: 'paid' }] } } },
  trigger: { user: 'ada' },
};
const site = { nodeId: 'calc', field: 'expression' };
const inProcess = inProcessExpressionEvaluator;

describe('expressions', () => {
  it('compiles each distinct source once', () => {
    const first = compileExpression('$sum($.items)');
    expect(first.ok).toBe(true);
    expect(compileExpression('$sum($.items)')).toBe(first);
  });

  it('evaluates against $, $nodes and $trigger', async () => {
    await expect(evaluateExpression('$sum($.items) + $.amount', scope, site)).resolves.toBe(126);
    await expect(
      evaluateExpression("$nodes.fetch.body.orders[status='paid'].id", scope, site),
    ).resolves.toBe(1);
    await expect(evaluateExpression('$trigger.user', scope, site)).resolves.toBe('ada');
  });

  it('reports syntax errors with JSONata’s message and position', () => {
    expect(checkExpressionSyntax('$.a[')).toEqual({
      message: 'Expected "]" before end of expression',
      position: 4,
      token: '(end)',
    });
    expect(checkExpressionSyntax('$.a')).toBeUndefined();
  });

  it('turns evaluation failures into EXPRESSION_FAILED naming the node and field', async () => {
    const error = await evaluateExpression('$nope()', scope, site).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error).toMatchObject({
      code: 'EXPRESSION_FAILED',
      nodeId: 'calc',
      retryable: false,
      details: { field: 'expression', position: 6, token: 'nope' },
    });
    expect((error as Error).message).toBe(
      'Node "calc": expression in "expression" failed: Attempted to invoke a non-function (at character 6)',
    );
  });
});

describe('expressions under limits', () => {
  const runaway = '($f := function($n){$f($n+1)}; $f(0))';

  it('fails the runaway expression with EXPRESSION_TIMEOUT naming the node, field and limit', async () => {
    const error = await evaluateExpression(
      runaway,
      { ...scope, expressions: { evaluator: inProcess, timeoutMs: 100 } },
      site,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error).toMatchObject({
      code: 'EXPRESSION_TIMEOUT',
      nodeId: 'calc',
      retryable: false,
      details: { field: 'expression', timeoutMs: 100 },
    });
    expect((error as Error).message).toBe(
      'Node "calc": expression in "expression" did not finish within 100 ms',
    );
  });

  it('fails runaway recursion with EXPRESSION_MEMORY_LIMIT naming the node and field', async () => {
    const error = await evaluateExpression(
      '($f := function($n){ 1 + $f($n+1) }; $f(0))',
      { ...scope, expressions: { evaluator: inProcess, timeoutMs: 20_000 } },
      site,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'EXPRESSION_MEMORY_LIMIT',
      nodeId: 'calc',
      details: { field: 'expression', bound: 'depth' },
    });
    expect((error as Error).message).toMatch(
      /^Node "calc": expression in "expression" exceeded its memory limit: /,
    );
  });

  it('never retries a timeout or a memory limit, whatever the policy says', () => {
    const any = { ...DEFAULT_RETRY_POLICY, retryOn: 'any' as const };
    for (const code of ['EXPRESSION_TIMEOUT', 'EXPRESSION_MEMORY_LIMIT']) {
      expect(isRetryable({ code, retryable: true }, any)).toBe(false);
    }
  });

  it('asks the scope’s evaluator, with the node’s limit and the attempt’s signal', async () => {
    const requests: ExpressionRequest[] = [];
    const recording: ExpressionEvaluator = {
      evaluate: async (request) => {
        requests.push(request);
        return inProcess.evaluate(request);
      },
    };
    const signal = new AbortController().signal;
    const result = await evaluateExpression(
      '$trigger.user',
      { ...scope, expressions: { evaluator: recording, timeoutMs: 750 }, signal },
      site,
    );
    expect(result).toBe('ada');
    expect(requests).toEqual([{ source: '$trigger.user', ...scope, timeoutMs: 750, signal }]);
  });
});

describe('withoutSequenceMarkers', () => {
  it('returns plain arrays for the marked arrays JSONata builds', async () => {
    const result = await evaluateExpression(
      '{ "ids": $.orders.id }',
      { input: { orders: [{ id: 1 }, { id: 2 }] }, nodes: {}, trigger: {} },
      site,
    );
    expect(result).toStrictEqual({ ids: [1, 2] });
  });

  it('leaves values without markers as the same objects', () => {
    const value = { a: [1, { b: [2] }], c: 'x' };
    expect(withoutSequenceMarkers(value)).toBe(value);
  });
});
