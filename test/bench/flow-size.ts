/**
 * `pnpm bench flow-size` (issue 9): a flow at the node limit (MAX_FLOW_NODES, a chain and a
 * fan-out of JSONata transforms) through the whole server on a fresh database (the test app: real
 * HTTP, tRPC client, in-process worker): validate, create, save a changed version, get, export,
 * and one run to completion. BENCH_FLOW_SIZE_REPEAT (5) times each; median and max.
 */
import { MAX_FLOW_NODES } from '@patchbay/engine';
import { largeFlow } from '../../apps/server/src/test-support/flow-documents.ts';
import { startTestApp, waitForRun } from '../../apps/server/src/test-support/test-app.ts';

export type FlowSizeTiming = { name: string; medianMs: number; maxMs: number };
export type FlowSizeResult = {
  nodes: number;
  documentBytes: number;
  repeat: number;
  timings: FlowSizeTiming[];
};

async function timed<T>(
  samples: Map<string, number[]>,
  name: string,
  call: () => Promise<T>,
): Promise<T> {
  const start = performance.now();
  const result = await call();
  const list = samples.get(name) ?? [];
  list.push(performance.now() - start);
  samples.set(name, list);
  return result;
}

export async function benchFlowSize(options: { repeat: number }): Promise<FlowSizeResult> {
  const t = await startTestApp({ triggers: false });
  const samples = new Map<string, number[]>();
  const chain = largeFlow('Bench chain', MAX_FLOW_NODES, 'chain');
  const fanOut = largeFlow('Bench fan-out', MAX_FLOW_NODES, 'fan-out');
  try {
    for (let i = 0; i < options.repeat; i++) {
      await timed(samples, 'flows.validate', () =>
        t.client.flows.validate.mutate({ document: chain }),
      );
      const flow = await timed(samples, 'flows.create (validate + save v1)', () =>
        t.client.flows.create.mutate({ name: `Bench chain ${i}`, document: chain }),
      );
      const changed = structuredClone(chain);
      changed.nodes[MAX_FLOW_NODES - 1]!.position = { x: i, y: i };
      await timed(samples, 'flows.update (validate + save v2)', () =>
        t.client.flows.update.mutate({ id: flow.id, document: changed }),
      );
      await timed(samples, 'flows.get', () => t.client.flows.get.query({ id: flow.id }));
      await timed(samples, 'flows.export', () => t.client.flows.export.query({ id: flow.id }));
      await timed(samples, `run to completion, chain of ${MAX_FLOW_NODES}`, async () => {
        const { runId } = await t.client.flows.run.mutate({ id: flow.id, input: { i } });
        const run = await waitForRun(t.client, runId, 300_000);
        if (run.status !== 'succeeded') throw new Error(`Bench run ${runId} ${run.status}`);
      });
      const wide = await t.client.flows.create.mutate({
        name: `Bench fan-out ${i}`,
        document: fanOut,
      });
      await timed(samples, `run to completion, fan-out of ${MAX_FLOW_NODES}`, async () => {
        const { runId } = await t.client.flows.run.mutate({ id: wide.id, input: { i } });
        const run = await waitForRun(t.client, runId, 300_000);
        if (run.status !== 'succeeded') throw new Error(`Bench run ${runId} ${run.status}`);
      });
      console.error(`flow-size: round ${i + 1}/${options.repeat} done`);
    }
  } finally {
    await t.close();
  }
  const timings = [...samples].map(([name, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return {
      name,
      medianMs: Math.round(sorted[Math.floor((sorted.length - 1) / 2)] ?? 0),
      maxMs: Math.round(sorted.at(-1) ?? 0),
    };
  });
  return {
    nodes: MAX_FLOW_NODES,
    documentBytes: Buffer.byteLength(JSON.stringify(chain)),
    repeat: options.repeat,
    timings,
  };
}

export function flowSizeRows(result: FlowSizeResult): string[] {
  return [
    `| ${result.nodes}-node flow (chain document ${(result.documentBytes / 1024).toFixed(0)} KiB), ${result.repeat} rounds | median | max |`,
    '| --- | --- | --- |',
    ...result.timings.map(
      (timing) => `| ${timing.name} | ${timing.medianMs} ms | ${timing.maxMs} ms |`,
    ),
    '',
  ];
}
