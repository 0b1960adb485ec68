/**
 * Engine overhead per node, in process: a chain of no-op nodes executed by executeFlow with an
 * event sink that persists nothing. What is left is the executor's own cost per node (scheduling,
 * policy lookup, events, context), which the issue targets at under 20 µs. The 3-node JSONata run
 * is measured with the engine's default evaluator and with the server's (sandbox fast path).
 */
import { coreConnector } from '@patchbay/connector-core';
import {
  createNodeTypeRegistry,
  defineNodeType,
  type ExpressionEvaluator,
  executeFlow,
  type FlowDocument,
  type NodeTypeRegistry,
  type StepEvent,
  validateFlow,
} from '@patchbay/engine';
import { createSandboxedExpressionEvaluator, JSONATA_TASK, Sandbox } from '@patchbay/sandbox';
import { z } from 'zod';

const noopNode = defineNodeType({
  type: 'bench.noop',
  title: 'No-op',
  description: 'Passes its input through; measures the executor alone.',
  category: 'transform',
  configSchema: z.strictObject({}),
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [{ id: 'out', label: 'Output' }],
  sideEffects: false,
  policyDefaults: { retry: { maxAttempts: 1 } },
  execute: async (ctx) => ({ output: ctx.input }),
});

function chain(type: string, length: number, config: Record<string, unknown>): FlowDocument {
  const nodes: FlowDocument['nodes'] = [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
  ];
  const edges: FlowDocument['edges'] = [];
  for (let i = 1; i <= length; i++) {
    nodes.push({ id: `n${i}`, type, position: { x: i * 240, y: 0 }, config });
    edges.push({ id: `e${i}`, source: i === 1 ? 'trigger' : `n${i - 1}`, target: `n${i}` });
  }
  return { version: 1, name: `bench ${type} x${length}`, nodes, edges };
}

async function measure(
  document: FlowDocument,
  registry: NodeTypeRegistry,
  runs: number,
  expressions?: ExpressionEvaluator,
): Promise<{ perRunUs: number; perNodeUs: number }> {
  const result = validateFlow(document, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const flow = result.flow;
  let events = 0;
  const onEvent = async (_event: StepEvent) => {
    events++;
  };
  const once = async (i: number) => {
    const outcome = await executeFlow({
      flow,
      runId: `run-${i}`,
      triggerInput: { i },
      onEvent,
      ...(expressions ? { expressions } : {}),
    });
    if (outcome.status !== 'succeeded') throw new Error(`bench run ${outcome.status}`);
  };
  for (let i = 0; i < Math.min(2_000, runs); i++) await once(i); // warm-up: JIT, caches
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await once(i);
  const elapsedUs = Number(process.hrtime.bigint() - started) / 1_000;
  if (events === 0) throw new Error('no events');
  const perRunUs = elapsedUs / runs;
  return { perRunUs, perNodeUs: perRunUs / document.nodes.length };
}

export async function benchEngineOverhead(): Promise<Record<string, number>> {
  const registry = createNodeTypeRegistry([...coreConnector.nodeTypes, noopNode]);
  const noop = await measure(chain('bench.noop', 49, {}), registry, 4_000);
  const jsonataFlow = chain('transform.jsonata', 2, { expression: '$' });
  const jsonata = await measure(jsonataFlow, registry, 20_000);
  const sandbox = new Sandbox({ tasks: { jsonata: JSONATA_TASK }, maxProcesses: 1 });
  let sandboxed: Awaited<ReturnType<typeof measure>>;
  try {
    const evaluator = createSandboxedExpressionEvaluator(sandbox);
    sandboxed = await measure(jsonataFlow, registry, 20_000, evaluator);
  } finally {
    await sandbox.close();
  }
  return {
    noopChainNodes: 50,
    noopPerNodeUs: round(noop.perNodeUs),
    threeNodeJsonataPerRunUs: round(jsonata.perRunUs),
    threeNodeJsonataPerNodeUs: round(jsonata.perNodeUs),
    threeNodeJsonataServerEvaluatorPerRunUs: round(sandboxed.perRunUs),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
