import { describe, expect, it } from 'vitest';
import { withoutSequenceMarkers } from './expression.ts';
import { ExpressionError, ExpressionNeedsIsolation } from './expression-limits.ts';
import { evaluateJsonata, type JsonataScope } from './jsonata-evaluation.ts';
import { FAST_PATH_CAPS, jsonLengthExceeds } from './jsonata-fast-path.ts';

const scope: JsonataScope = {
  input: { amount: 120, items: [{ price: 10 }, { price: 50 }, { price: 70 }], tags: ['a', 'b'] },
  nodes: {
    fetch: {
      body: {
        orders: [
          { id: 1, status: 'paid' },
          { id: 2, status: 'open' },
        ],
      },
    },
  },
  trigger: { user: 'ada' },
};

/** The runaway: a tail call, so JSONata loops forever in constant memory. */
const RUNAWAY = '($f := function($n){$f($n+1)}; $f(0))';
/** Recursion that is not a tail call: nesting grows with every call. */
const DEEP_RECURSION = '($f := function($n){ 1 + $f($n+1) }; $f(0))';

/** Large data arrives as input: 200 references to one array of 1,000 numbers is 1.6 MB as JSON. */
const numbers = Array.from({ length: 1_000 }, (_, i) => i);
const large: JsonataScope = {
  input: {
    shared: new Array(200).fill(numbers),
    parts: numbers.map(String),
    dash: '-'.repeat(5_000),
  },
  nodes: {},
  trigger: {},
};

/**
 * The fast path with a budget far above what these expressions need, so that what stops them is
 * a cap, never the clock (a cold, shared test machine can take 30 ms for a tiny expression).
 */
const fast = { timeoutMs: 20_000, fastPathBudgetMs: 10_000 };

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('evaluateJsonata to the end (the sandbox, and the engine without one)', () => {
  it('fails the runaway expression with EXPRESSION_TIMEOUT at its time limit', async () => {
    const error = await thrown(evaluateJsonata(RUNAWAY, scope, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toMatchObject({
      code: 'EXPRESSION_TIMEOUT',
      retryable: false,
      message: 'did not finish within 100 ms',
      details: { timeoutMs: 100 },
    });
  });

  it('fails runaway recursion that is not a tail call with EXPRESSION_MEMORY_LIMIT (depth)', async () => {
    const error = await thrown(evaluateJsonata(DEEP_RECURSION, scope, { timeoutMs: 10_000 }));
    expect(error).toMatchObject({
      code: 'EXPRESSION_MEMORY_LIMIT',
      details: { bound: 'depth', limit: 10_000 },
    });
    expect((error as Error).message).toMatch(/nested deeper than 10000 steps/);
  });

  it('fails a range beyond JSONata’s 1e7 items with EXPRESSION_MEMORY_LIMIT before allocating', async () => {
    await expect(evaluateJsonata('[1..2e7]', scope, { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'EXPRESSION_MEMORY_LIMIT',
      details: { bound: 'sequence' },
    });
  });

  it('keeps JSONata’s own failures as EXPRESSION_FAILED with position and token', async () => {
    await expect(evaluateJsonata('$nope()', scope, { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'EXPRESSION_FAILED',
      message: 'failed: Attempted to invoke a non-function (at character 6)',
      details: { position: 6, token: 'nope' },
    });
  });
});

describe('the in-process fast path', () => {
  it('gives up on the runaway expression after its budget, for the sandbox to finish', async () => {
    const error = await thrown(
      evaluateJsonata(RUNAWAY, scope, { timeoutMs: 2_000, fastPathBudgetMs: 20 }),
    );
    expect(error).toBeInstanceOf(ExpressionNeedsIsolation);
    expect(error).toMatchObject({ reason: 'its time budget' });
  });

  it('times out for good when the node’s own limit is below the budget', async () => {
    await expect(
      evaluateJsonata(RUNAWAY, scope, { timeoutMs: 3, fastPathBudgetMs: 10 }),
    ).rejects.toMatchObject({ code: 'EXPRESSION_TIMEOUT', message: 'did not finish within 3 ms' });
  });

  it.each([
    ['a regular expression literal', '$match("aaa", /a+/)', 'a regular expression'],
    [
      'a regular expression built by $eval',
      '$eval("$match(\\"a\\", /a/)")',
      'a regular expression',
    ],
    ['a huge padding, before it is allocated', '$pad("x", 2e8)', 'a long padding'],
    ['the same inside $eval', '$eval("$pad(\\"x\\", 2e8)")', 'a long padding'],
    ['a long sequence', '$count([1..200000])', 'a long sequence'],
    ['a sort of many items', '$sort([1..2000])', 'a long sort'],
    [
      'a string doubled past the cap',
      '($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f("x", 25))',
      'a long string',
    ],
    ['a separator repeated past the cap', '$join($.parts, $.dash)', 'a long joined string'],
    ['a value referenced many times, serialised', '$string($.shared)', 'a large value'],
  ])('sends %s to the sandbox', async (_what, source, reason) => {
    const error = await thrown(evaluateJsonata(source, large, fast));
    expect(error).toBeInstanceOf(ExpressionNeedsIsolation);
    expect(error).toMatchObject({ reason });
  });

  it('stops deep recursion as the sandbox does: the depth bound is the same', async () => {
    await expect(evaluateJsonata(DEEP_RECURSION, scope, fast)).rejects.toMatchObject({
      code: 'EXPRESSION_MEMORY_LIMIT',
      details: { bound: 'depth' },
    });
  });

  it.each([
    '$sum($.items.price) + $.amount',
    "$nodes.fetch.body.orders[status='paid'].id",
    '$trigger.user',
    '{ "n": $.amount * 2, "tags": $.tags, "count": $count($.items) }',
    '$.items[price > 20].{ "p": price * 1.2, "label": "item " & $string(price) }',
    '$string($) & "|" & $join($.tags, ",")',
    '$sort($.items, function($a, $b){ $a.price < $b.price }).price',
    '$distinct([1, 2, 2, 3]) ~> $reverse()',
    '$pad("7", 3, "0") & $substring("patchbay", 0, 5) & $uppercase("ok")',
    '$keys($) ~> $join(",")',
    '$merge([{"a": 1}, {"b": 2}])',
    '$replace("a-b-c", "-", "+")',
    '$split("a,b,c", ",")',
    '$eval("1 + 2")',
    '$.missing',
    '[1..5].($ * $)',
    '$lookup($.items[0], "price")',
  ])('gives the same result in process as to the end: %s', async (source) => {
    const complete = withoutSequenceMarkers(
      await evaluateJsonata(source, scope, { timeoutMs: 2_000 }),
    );
    const inProcess = withoutSequenceMarkers(await evaluateJsonata(source, scope, fast));
    expect(inProcess).toStrictEqual(complete);
  });

  it('lets through work right up to the caps', async () => {
    const items = FAST_PATH_CAPS.items;
    await expect(evaluateJsonata(`$count([1..${items}])`, scope, fast)).resolves.toBe(items);
    await expect(
      evaluateJsonata(`$length($pad("", ${FAST_PATH_CAPS.stringChars}))`, scope, fast),
    ).resolves.toBe(FAST_PATH_CAPS.stringChars);
  });
});

describe('jsonLengthExceeds', () => {
  it('measures about the length of the JSON', () => {
    const value = { name: 'patchbay', tags: ['a', 'b'], n: 1 };
    const length = JSON.stringify(value).length;
    expect(jsonLengthExceeds(value, length * 2)).toBe(false);
    expect(jsonLengthExceeds(value, length / 2)).toBe(true);
  });

  it('stops early on a value that references one large value many times', () => {
    const big = 'x'.repeat(1_000_000);
    let value: unknown = big;
    for (let i = 0; i < 30; i++) value = [value, value];
    // 2^30 copies of a megabyte: it must not visit them all.
    expect(jsonLengthExceeds(value, 10_000_000)).toBe(true);
  });
});
