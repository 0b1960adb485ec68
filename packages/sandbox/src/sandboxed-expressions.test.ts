import {
  type ExpressionRequest,
  evaluateExpression,
  inProcessExpressionEvaluator,
  NodeExecutionError,
  withoutSequenceMarkers,
} from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from './sandbox.ts';
import {
  createSandboxedExpressionEvaluator,
  JSONATA_TASK,
  type SandboxedExpressionEvaluator,
} from './sandboxed-expressions.ts';

/** The expression: a tail call, so JSONata loops forever in constant memory. */
const RUNAWAY = '($f := function($n){$f($n+1)}; $f(0))';
const CATASTROPHIC_REGEX = `$match("${'a'.repeat(40)}!", /^(a+)+$/)`;

const scope = {
  input: { n: 21, items: [{ price: 10 }, { price: 50 }, { price: 70 }], email: 'ada@example.com' },
  nodes: { fetch: { body: { ids: [3, 1, 2] } } },
  trigger: { user: 'ada' },
};
const site = { nodeId: 'calc', field: 'expression' };

let sandbox: Sandbox;
let evaluator: SandboxedExpressionEvaluator;

beforeAll(async () => {
  sandbox = new Sandbox({ tasks: { jsonata: JSONATA_TASK }, maxProcesses: 2 });
  evaluator = createSandboxedExpressionEvaluator(sandbox);
  await sandbox.warm();
});
afterAll(() => sandbox.close());

const request = (source: string, timeoutMs = 2_000, signal?: AbortSignal): ExpressionRequest => ({
  source,
  ...scope,
  timeoutMs,
  signal,
});

/** As a node sees it: errors name the node and the field. */
const evaluate = (source: string, timeoutMs = 2_000) =>
  evaluateExpression(source, { ...scope, expressions: { evaluator, timeoutMs } }, site);

async function failure(promise: Promise<unknown>): Promise<NodeExecutionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NodeExecutionError)) throw new Error(`expected a node error: ${error}`);
  return error;
}

/** Counts turns of the event loop (a 10 ms interval) while `work` runs. */
async function loopTurnsDuring<T>(work: Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  try {
    const result = await work;
    return { result, ticks };
  } finally {
    clearInterval(interval);
  }
}

describe('sandboxed expressions', () => {
  it('fails the runaway expression with EXPRESSION_TIMEOUT while the event loop keeps turning', async () => {
    const ordinary = evaluate('$sum($.items.price)');
    const { result: error, ticks } = await loopTurnsDuring(failure(evaluate(RUNAWAY, 500)));
    expect(error).toMatchObject({
      code: 'EXPRESSION_TIMEOUT',
      nodeId: 'calc',
      retryable: false,
      details: { field: 'expression', timeoutMs: 500 },
    });
    expect(error.message).toBe(
      'Node "calc": expression in "expression" did not finish within 500 ms',
    );
    expect(ticks).toBeGreaterThan(0);
    await expect(ordinary).resolves.toBe(130);
  });

  it('applies a node’s own lower limit', async () => {
    const error = await failure(evaluate(RUNAWAY, 150));
    expect(error.message).toBe(
      'Node "calc": expression in "expression" did not finish within 150 ms',
    );
  });

  it('fails a 200-million-character string with EXPRESSION_MEMORY_LIMIT without growing this heap', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await failure(evaluate('$pad("x", 2e8)'));
    expect(error).toMatchObject({
      code: 'EXPRESSION_MEMORY_LIMIT',
      details: { field: 'expression', bound: 'result' },
    });
    const built = await failure(evaluate('$length($join([1..10000000].$string(), ""))'));
    expect(['EXPRESSION_MEMORY_LIMIT', 'EXPRESSION_TIMEOUT']).toContain(built.code);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('fails runaway recursion with EXPRESSION_MEMORY_LIMIT', async () => {
    const error = await failure(evaluate('($f := function($n){ 1 + $f($n+1) }; $f(0))', 10_000));
    expect(error).toMatchObject({ code: 'EXPRESSION_MEMORY_LIMIT', details: { bound: 'depth' } });
  });

  it('times out a catastrophic regular expression, then evaluates the next one normally', async () => {
    const started = sandbox.stats.started;
    const { result: error, ticks } = await loopTurnsDuring(
      failure(evaluate(CATASTROPHIC_REGEX, 300)),
    );
    expect(error).toMatchObject({ code: 'EXPRESSION_TIMEOUT', details: { timeoutMs: 300 } });
    expect(ticks).toBeGreaterThan(0);
    // Its process was killed and replaced.
    await expect(evaluate('$contains($.email, /@example\\.com$/)')).resolves.toBe(true);
    expect(sandbox.stats.started).toBeGreaterThan(started);
  });

  it('gives ordinary expressions the results the engine gives in process', async () => {
    const sources = [
      '$.n * 2',
      '$sum($.items.price) > 100 ? "big" : "small"',
      '$.items[price > 20].{ "p": price * 1.2 }',
      '$sort($nodes.fetch.body.ids)',
      '$trigger.user & "@" & $substringAfter($.email, "@")',
      '$match($.email, /^(\\w+)@/).groups[0]',
      '$replace($.email, /example/, "patchbay")',
      '[1..3].{ "i": $ }',
      '$.missing',
    ];
    const before = { ...evaluator.stats };
    for (const source of sources) {
      const expected = withoutSequenceMarkers(
        await inProcessExpressionEvaluator.evaluate(request(source)),
      );
      const actual = withoutSequenceMarkers(await evaluator.evaluate(request(source)));
      expect(actual, source).toStrictEqual(expected);
    }
    // Regular expressions went to the sandbox; the rest stayed in process.
    expect(evaluator.stats.sandboxed - before.sandboxed).toBe(2);
    expect(evaluator.stats.inProcess - before.inProcess).toBe(sources.length - 2);
  });

  it('stops a sandboxed evaluation when the attempt is aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('step timed out');
    const pending = evaluator.evaluate(request(RUNAWAY, 20_000, controller.signal));
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toBe(reason);
  });

  it('lets the event loop turn between back-to-back evaluations in process', async () => {
    let timerFiredAt: number | undefined;
    setTimeout(() => {
      timerFiredAt = done;
    }, 0);
    let done = 0;
    // Each takes a millisecond or so; together far longer than one slice of the loop.
    for (; done < 300; done++) {
      await evaluator.evaluate(request('$sum([1..20000])'));
    }
    expect(timerFiredAt).toBeDefined();
    expect(timerFiredAt).toBeLessThan(done);
  });
});
