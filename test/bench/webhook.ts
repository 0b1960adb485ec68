/**
 * `pnpm bench webhook` (issue 7): the default install (`bash scripts/start.sh`, embedded
 * PostgreSQL, as `pnpm bench api` starts it) with two active 3-node flows, trigger.webhook →
 * transform.jsonata → transform.jsonata, one answering async (202 at once) and one sync (the
 * run's result). autocannon POSTs a JSON body to /hooks/<flowId>: async at
 * BENCH_WEBHOOK_ASYNC_CONCURRENCY (50), sync at BENCH_WEBHOOK_SYNC_CONCURRENCY (10), each for
 * BENCH_WEBHOOK_SECONDS (20) after a 3 s warm-up. Async: the queue is then drained and every 202
 * must have its run persisted and succeeded. Sync: every 200 carries the flow's result.
 */
import os from 'node:os';
import type { FlowDocument } from '@patchbay/engine';
import autocannon from 'autocannon';
import type pg from 'pg';
import { createApi } from '../support/api-client.ts';
import { TEST_ADMIN } from '../support/server-process.ts';
import { waitForDrain } from './api-point.ts';
import { withBenchInstall } from './bench-install.ts';
import { cpuDelta, sampleTree, type TreeRoots } from './process-tree.ts';

export type WebhookPoint = {
  mode: 'async' | 'sync';
  connections: number;
  loadAverage: number[];
  loadSeconds: number;
  /** 2xx responses per second of load. */
  acceptedPerSecond: number;
  rejectedByStatus: Record<string, number>;
  errors: number;
  timeouts: number;
  /** autocannon's request latency (ms). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  accepted: number;
  /** Runs of the flow created from the start of the load on, and of them succeeded. */
  runsCreated: number;
  runsSucceeded: number;
  drained: boolean;
  drainSeconds: number;
  postgresCpuPerRunMs: number;
  serverCpuPerRunMs: number;
};

export type WebhookResult = { loadAverageAtStart: number[]; points: WebhookPoint[] };

const BODY = JSON.stringify({ n: 21, order: { id: 'A-1', lines: [1, 2, 3] } });
const WARMUP_SECONDS = 3;

function webhookFlow(name: string, responseMode: 'async' | 'sync'): FlowDocument {
  const nodes = [
    { id: 'hook', type: 'trigger.webhook', config: { responseMode } },
    { id: 'double', type: 'transform.jsonata', config: { expression: '{ "n": body.n * 2 }' } },
    { id: 'label', type: 'transform.jsonata', config: { expression: '"run " & $string($.n)' } },
  ];
  return {
    version: 1,
    name,
    nodes: nodes.map((node, i) => ({ ...node, position: { x: i * 320, y: 0 } })),
    edges: nodes
      .slice(1)
      .map((node, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, target: node.id })),
  } as FlowDocument;
}

export async function benchWebhook(options: {
  asyncConnections: number;
  syncConnections: number;
  seconds: number;
  drainTimeoutMs: number;
}): Promise<WebhookResult> {
  const loadAverageAtStart = os.loadavg();
  return withBenchInstall({ name: 'webhook' }, async ({ baseUrl, db, roots }) => {
    const api = await createApi({ baseUrl, admin: TEST_ADMIN });
    const flows = {} as Record<'async' | 'sync', string>;
    for (const mode of ['async', 'sync'] as const) {
      const flow = await api.flows.import.mutate({
        document: webhookFlow(`Bench: webhook (${mode}) -> transform -> transform`, mode),
      });
      await api.flows.setActive.mutate({ id: flow.id, active: true });
      flows[mode] = flow.id;
    }
    // The trigger manager hears of the switch through NOTIFY: wait until both are served.
    for (const flowId of Object.values(flows)) await waitUntilServed(`${baseUrl}/hooks/${flowId}`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const points: WebhookPoint[] = [];
    for (const [mode, connections] of [
      ['async', options.asyncConnections],
      ['sync', options.syncConnections],
    ] as const) {
      const point = await measure({
        mode,
        connections,
        url: `${baseUrl}/hooks/${flows[mode]}`,
        flowId: flows[mode],
        seconds: options.seconds,
        drainTimeoutMs: options.drainTimeoutMs,
        db,
        roots,
      });
      console.error(JSON.stringify(point));
      points.push(point);
    }
    return { loadAverageAtStart, points };
  });
}

async function waitUntilServed(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
    await response.arrayBuffer();
    if (response.status !== 404) return;
    if (Date.now() > deadline) throw new Error(`${url} still answers 404`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measure(target: {
  mode: 'async' | 'sync';
  connections: number;
  url: string;
  flowId: string;
  seconds: number;
  drainTimeoutMs: number;
  db: pg.Client;
  roots: TreeRoots;
}): Promise<WebhookPoint> {
  const request = {
    url: target.url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: target.connections,
  };
  await autocannon({ ...request, duration: WARMUP_SECONDS });
  await waitForDrain(target.db, target.flowId, target.drainTimeoutMs);

  const loadAverage = os.loadavg();
  const before = await sampleTree(target.roots);
  const load = await autocannon({ ...request, duration: target.seconds });
  const drainStarted = performance.now();
  const drained = await waitForDrain(target.db, target.flowId, target.drainTimeoutMs);
  const drainSeconds = (performance.now() - drainStarted) / 1_000;
  const cpu = cpuDelta(before, await sampleTree(target.roots));

  const { rows } = await target.db.query<{ created: string; succeeded: string }>(
    `SELECT count(*) AS created, count(*) FILTER (WHERE status = 'succeeded') AS succeeded
       FROM runs WHERE flow_id = $1 AND created_at >= $2 AND trigger = 'webhook'`,
    [target.flowId, load.start],
  );
  const runsCreated = Number(rows[0]!.created);
  const loadSeconds = (load.finish.getTime() - load.start.getTime()) / 1_000;
  const perRun = (ms: number) => round(runsCreated > 0 ? ms / runsCreated : Number.NaN);
  return {
    mode: target.mode,
    connections: target.connections,
    loadAverage: loadAverage.map(round),
    loadSeconds: round(loadSeconds),
    acceptedPerSecond: Math.round(load['2xx'] / loadSeconds),
    rejectedByStatus: Object.fromEntries(
      Object.entries(load.statusCodeStats ?? {})
        .filter(([status]) => !status.startsWith('2'))
        .map(([status, { count }]) => [status, count ?? 0]),
    ),
    errors: load.errors,
    timeouts: load.timeouts,
    latencyP50Ms: load.latency.p50,
    latencyP99Ms: load.latency.p99,
    latencyMaxMs: load.latency.max,
    accepted: load['2xx'],
    runsCreated,
    runsSucceeded: Number(rows[0]!.succeeded),
    drained,
    drainSeconds: round(drainSeconds),
    postgresCpuPerRunMs: perRun(cpu.postgresCpuMs),
    serverCpuPerRunMs: perRun(cpu.serverCpuMs),
  };
}

export function webhookRows(result: WebhookResult): string[] {
  const cell = (pick: (point: WebhookPoint) => string) => result.points.map(pick).join(' | ');
  const header = result.points.map((point) => `${point.mode}, c=${point.connections}`).join(' | ');
  return [
    `Load average at the start: ${result.loadAverageAtStart.map(round).join(', ')}; per point: ${cell((p) => p.loadAverage.join(', '))}`,
    '',
    `| POST /hooks/<flowId>, 3-node flow, one process, embedded PostgreSQL | ${header} |`,
    `| --- | ${result.points.map(() => '---').join(' | ')} |`,
    `| 2xx responses/s | ${cell((p) => p.acceptedPerSecond.toLocaleString('en'))} |`,
    `| request latency p50 / p99 / max | ${cell((p) => `${p.latencyP50Ms} / ${p.latencyP99Ms} / ${p.latencyMaxMs} ms`)} |`,
    `| non-2xx, errors, timeouts | ${cell((p) => `${JSON.stringify(p.rejectedByStatus)}, ${p.errors}, ${p.timeouts}`)} |`,
    `| 2xx responses / runs persisted / succeeded | ${cell((p) => `${p.accepted} / ${p.runsCreated} / ${p.runsSucceeded}`)} |`,
    `| queue drained after the load in | ${cell((p) => `${p.drainSeconds} s`)} |`,
    `| PostgreSQL / server CPU per run | ${cell((p) => `${p.postgresCpuPerRunMs} / ${p.serverCpuPerRunMs} ms`)} |`,
    '',
  ];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
