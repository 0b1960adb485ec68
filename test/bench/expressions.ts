/**
 * Cost of one JSONata evaluation on each path, in this process:
 * - bare: jsonata's evaluate with no limits (what the engine did before the sandbox);
 * - bounded: the engine's default evaluator (JSONata's per-step deadline, depth, sequence checks);
 * - fast path: the server's evaluator for an ordinary expression (budget, capped built-ins);
 * - sandbox: the same evaluation sent to a sandbox process and back (IPC, JSON both ways), for a
 *   small input and for a 100 kB one. Its "CPU here" is what this process spends per evaluation.
 */
import {
  type ExpressionRequest,
  inProcessExpressionEvaluator,
  type JsonataScope,
} from '@patchbay/engine';
import { createSandboxedExpressionEvaluator, JSONATA_TASK, Sandbox } from '@patchbay/sandbox';
import jsonata from 'jsonata';

export type ExpressionPathCost = {
  path: string;
  expression: string;
  wallUs: number;
  cpuUs: number;
};

const EXPRESSIONS = [
  '{ "n": $.n * 2 }',
  '"run " & $string($.n)',
  '$.items[price > 20].{ "p": price * 1.2, "label": "item " & $string(price) }',
];

const small: JsonataScope = {
  input: { n: 21, items: [{ price: 10 }, { price: 50 }, { price: 70 }] },
  nodes: { trigger: {}, double: { n: 42 } },
  trigger: {},
};

/** About 100 kB of JSON in `$nodes`, as after an HTTP step with a sizeable response. */
const large: JsonataScope = {
  ...small,
  nodes: {
    ...small.nodes,
    fetch: {
      body: Array.from({ length: 1_000 }, (_, i) => ({
        id: i,
        name: `customer ${i}`,
        email: `customer${i}@example.com`,
        tags: ['a', 'b'],
      })),
    },
  },
};

async function measure(
  path: string,
  expression: string,
  evaluate: () => Promise<unknown>,
  runs: number,
): Promise<ExpressionPathCost> {
  for (let i = 0; i < Math.min(runs, 2_000); i++) await evaluate(); // warm-up: JIT, caches
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await evaluate();
  const wallUs = Number(process.hrtime.bigint() - started) / 1_000 / runs;
  const used = process.cpuUsage(cpu);
  return {
    path,
    expression,
    wallUs: round(wallUs),
    cpuUs: round((used.user + used.system) / runs),
  };
}

export async function benchExpressions(): Promise<ExpressionPathCost[]> {
  const sandbox = new Sandbox({ tasks: { jsonata: JSONATA_TASK }, maxProcesses: 1 });
  await sandbox.warm();
  const sandboxed = createSandboxedExpressionEvaluator(sandbox);
  const request = (source: string, scope = small): ExpressionRequest => ({
    source,
    ...scope,
    timeoutMs: 2_000,
  });
  const results: ExpressionPathCost[] = [];
  try {
    for (const source of EXPRESSIONS) {
      const bare = jsonata(source);
      const bindings = { nodes: small.nodes, trigger: small.trigger };
      results.push(
        await measure('bare', source, () => bare.evaluate(small.input, bindings), 50_000),
      );
      results.push(
        await measure(
          'bounded',
          source,
          () => inProcessExpressionEvaluator.evaluate(request(source)),
          50_000,
        ),
      );
      results.push(
        await measure('fast path', source, () => sandboxed.evaluate(request(source)), 50_000),
      );
      results.push(
        await measure(
          'sandbox',
          source,
          () => sandbox.run('jsonata', request(source), { timeoutMs: 5_000 }),
          5_000,
        ),
      );
    }
    const source = '$count($nodes.fetch.body)';
    results.push(
      await measure(
        'fast path, 100 kB input',
        source,
        () => sandboxed.evaluate(request(source, large)),
        20_000,
      ),
    );
    results.push(
      await measure(
        'sandbox, 100 kB input',
        source,
        () => sandbox.run('jsonata', request(source, large), { timeoutMs: 5_000 }),
        1_000,
      ),
    );
  } finally {
    await sandbox.close();
  }
  return results;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
