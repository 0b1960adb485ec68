/**
 * `pnpm bench [engine|expressions|pipeline|api|webhook|history|editor|flow-size|memory|idle-memory|charts]`: runs the benchmarks and prints their
 * figures as Markdown, ready for docs/benchmarks.md. Needs PostgreSQL at TEST_DATABASE_URL (default
 * the local server) for the pipeline benchmark. Sizes: BENCH_RUNS (default 10000), BENCH_LATENCY_RUNS
 * (2000) at BENCH_LATENCY_RATE runs/s (200), BENCH_WORKER_CONCURRENCY (50).
 *
 * `api` is not part of `all`: it starts the whole install (`bash scripts/start.sh`, embedded
 * PostgreSQL) and loads it for minutes. BENCH_API_CONCURRENCY (default "1,10,50"),
 * BENCH_API_SECONDS of load per point (20), BENCH_API_REPEAT (1), BENCH_API_DRAIN_TIMEOUT_S (300):
 * how long to wait for the queue to drain after a point before reporting anyway. Linux only.
 *
 * `memory` is not part of `all` either: the same install with its inspector armed, heap snapshot
 * and memory after BENCH_MEMORY_WARMUP_RUNS (5000) runs and again after BENCH_MEMORY_RUNS (100000)
 * more at BENCH_MEMORY_CONCURRENCY (20), sampled every BENCH_MEMORY_CHUNK runs (20000), each
 * measurement BENCH_MEMORY_SETTLE_S (10) after the queue drained; after the load the server is
 * also left alone for BENCH_MEMORY_IDLE_S (150; 0: no) before the forced GC. Snapshots go under the
 * system temporary directory and are deleted unless BENCH_KEEP_SNAPSHOTS=1. MALLOC_ARENA_MAX and
 * other variables of this process reach the server.
 *
 * `webhook` (only when asked for): the same install with two active webhook → JSONata → JSONata
 * flows, async at BENCH_WEBHOOK_ASYNC_CONCURRENCY (50) and sync at BENCH_WEBHOOK_SYNC_CONCURRENCY
 * (10), BENCH_WEBHOOK_SECONDS (20) each; see webhook.ts.
 *
 * `editor` (only when asked for): the flow editor in headless Chromium at BENCH_EDITOR_SIZES nodes
 * (100,500,1000): open time, pan and zoom fps, per-keystroke time; see editor.ts.
 *
 * `charts` (only when asked for): the dashboard's chart library candidates, bundle size and render
 * time of BENCH_CHART_POINTS (10000) points in Chromium, BENCH_CHART_REPEAT (9) runs; see charts/.
 *
 * `flow-size` (only when asked for, issue 9): a flow at the node limit saved, read and run through
 * the server on a fresh database, BENCH_FLOW_SIZE_REPEAT (5) rounds; see flow-size.ts.
 *
 * `idle-memory` (only when asked for) is the idle footprint of `bash scripts/start.sh`, or of
 * BENCH_START_COMMAND (`pnpm start`), BENCH_IDLE_SECONDS (10) after it printed its URL.
 */
import os from 'node:os';
import { benchApi } from './api.ts';
import { apiRows } from './api-report.ts';
import { benchCharts, chartRows } from './charts/charts.ts';
import { benchEditor, editorRows } from './editor.ts';
import { benchEngineOverhead } from './engine-overhead.ts';
import { benchExpressions } from './expressions.ts';
import { benchFlowSize, flowSizeRows } from './flow-size.ts';
import { benchHistory, historyRows } from './history.ts';
import { benchIdleMemory } from './idle-memory.ts';
import { benchMemory } from './memory.ts';
import { memoryRows, retainerLines } from './memory-report.ts';
import { benchPipeline, type PipelineResult } from './pipeline.ts';
import { benchWebhook, webhookRows } from './webhook.ts';

const which = process.argv[2] ?? 'all';
const runs = Number(process.env.BENCH_RUNS ?? 10_000);
const latencyRuns = Number(process.env.BENCH_LATENCY_RUNS ?? 2_000);
const latencyRatePerSecond = Number(process.env.BENCH_LATENCY_RATE ?? 200);

const lines: string[] = [
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}`,
  '',
];

if (which === 'all' || which === 'engine') {
  const engine = await benchEngineOverhead();
  lines.push(
    '| engine (in process) | value |',
    '| --- | --- |',
    `| overhead per node, chain of ${engine.noopChainNodes} no-op nodes | ${engine.noopPerNodeUs} µs |`,
    `| 3-node run (trigger → JSONata → JSONata), total | ${engine.threeNodeJsonataPerRunUs} µs |`,
    `| same, with the server's evaluator (sandbox fast path) | ${engine.threeNodeJsonataServerEvaluatorPerRunUs} µs |`,
    '',
  );
}

if (which === 'all' || which === 'expressions') {
  const costs = await benchExpressions();
  lines.push(
    '| JSONata evaluation, per evaluation | expression | wall | CPU here |',
    '| --- | --- | --- | --- |',
    ...costs.map(
      (cost) => `| ${cost.path} | \`${cost.expression}\` | ${cost.wallUs} µs | ${cost.cpuUs} µs |`,
    ),
    '',
  );
}

if (which === 'all' || which === 'pipeline') {
  const results: PipelineResult[] = [];
  for (const workers of (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number)) {
    results.push(await benchPipeline({ workers, runs, latencyRuns, latencyRatePerSecond }));
    console.error(JSON.stringify(results.at(-1)));
  }
  lines.push(
    `| pipeline, 3-node flow (trigger → transform → transform) | ${results.map((r) => `${r.workers} worker${r.workers > 1 ? 's' : ''}`).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    `| persisted runs/s (${runs} queued up front) | ${results.map((r) => r.runsPerSecond).join(' | ')} |`,
    `| enqueue → completion p50 (${latencyRuns} runs at ${latencyRatePerSecond}/s) | ${results.map((r) => `${r.latencyP50Ms} ms`).join(' | ')} |`,
    `| enqueue → completion p99 | ${results.map((r) => `${r.latencyP99Ms} ms`).join(' | ')} |`,
    `| row writes per run (all tables, incl. the job queue) | ${results.map((r) => r.rowWritesPerRun).join(' | ')} |`,
    `| commits per run (all processes) | ${results.map((r) => r.commitsPerRun).join(' | ')} |`,
    '',
    'Row writes per run by table (1 worker):',
    '',
    ...Object.entries(results[0]?.writesByTable ?? {}).map(([table, n]) => `- ${table}: ${n}`),
    '',
  );
}

if (which === 'api') {
  const result = await benchApi({
    concurrency: (process.env.BENCH_API_CONCURRENCY ?? '1,10,50').split(',').map(Number),
    seconds: Number(process.env.BENCH_API_SECONDS ?? 20),
    repeat: Number(process.env.BENCH_API_REPEAT ?? 1),
    drainTimeoutMs: Number(process.env.BENCH_API_DRAIN_TIMEOUT_S ?? 300) * 1_000,
  });
  console.error(JSON.stringify(result));
  lines.push(...apiRows(result));
}

if (which === 'webhook') {
  const result = await benchWebhook({
    asyncConnections: Number(process.env.BENCH_WEBHOOK_ASYNC_CONCURRENCY ?? 50),
    syncConnections: Number(process.env.BENCH_WEBHOOK_SYNC_CONCURRENCY ?? 10),
    seconds: Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20),
    drainTimeoutMs: Number(process.env.BENCH_API_DRAIN_TIMEOUT_S ?? 300) * 1_000,
  });
  console.error(JSON.stringify(result));
  lines.push(...webhookRows(result));
}

if (which === 'history') {
  const result = await benchHistory({
    runs: Number(process.env.BENCH_HISTORY_RUNS ?? 1_000_000),
    repeat: Number(process.env.BENCH_HISTORY_REPEAT ?? 30),
    keep: process.env.BENCH_KEEP_DATABASE === '1',
  });
  lines.push(...historyRows(result));
}

if (which === 'editor') {
  const result = await benchEditor({
    sizes: (process.env.BENCH_EDITOR_SIZES ?? '100,500,1000').split(',').map(Number),
    repeat: Number(process.env.BENCH_EDITOR_REPEAT ?? 3),
    gestureMs: Number(process.env.BENCH_EDITOR_GESTURE_MS ?? 2_000),
  });
  lines.push(...editorRows(result));
}

if (which === 'charts') {
  const result = await benchCharts({
    points: Number(process.env.BENCH_CHART_POINTS ?? 10_000),
    repeat: Number(process.env.BENCH_CHART_REPEAT ?? 9),
  });
  lines.push(...chartRows(result));
}

if (which === 'flow-size') {
  const result = await benchFlowSize({
    repeat: Number(process.env.BENCH_FLOW_SIZE_REPEAT ?? 5),
  });
  lines.push(...flowSizeRows(result));
}

if (which === 'idle-memory') {
  const command = process.env.BENCH_START_COMMAND?.split(' ') as [string, ...string[]] | undefined;
  const result = await benchIdleMemory({
    idleSeconds: Number(process.env.BENCH_IDLE_SECONDS ?? 10),
    ...(command ? { command } : {}),
  });
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  lines.push(
    `Idle ${result.idleSeconds} s after \`${command?.join(' ') ?? 'bash scripts/start.sh'}\` printed its URL (${result.startSeconds} s after it began, fresh data directory):`,
    '',
    '| process | PSS (MB) | USS (MB) | RSS (MB) |',
    '| --- | --- | --- | --- |',
    ...result.processes.map(
      (p) => `| \`${p.name}\` | ${mb(p.pssKb)} | ${mb(p.ussKb)} | ${mb(p.rssKb)} |`,
    ),
    `| **total** | **${mb(result.totalPssKb)}** | ${mb(result.totalUssKb)} | ${mb(result.totalRssKb)} |`,
    '',
  );
}

if (which === 'memory') {
  const result = await benchMemory({
    warmupRuns: Number(process.env.BENCH_MEMORY_WARMUP_RUNS ?? 5_000),
    runs: Number(process.env.BENCH_MEMORY_RUNS ?? 100_000),
    connections: Number(process.env.BENCH_MEMORY_CONCURRENCY ?? 20),
    chunk: Number(process.env.BENCH_MEMORY_CHUNK ?? 20_000),
    settleMs: Number(process.env.BENCH_MEMORY_SETTLE_S ?? 10) * 1_000,
    idleMs: Number(process.env.BENCH_MEMORY_IDLE_S ?? 150) * 1_000,
    drainTimeoutMs: Number(process.env.BENCH_API_DRAIN_TIMEOUT_S ?? 300) * 1_000,
    keepSnapshots: process.env.BENCH_KEEP_SNAPSHOTS === '1',
  });
  console.error(retainerLines(result).join('\n'));
  lines.push(...memoryRows(result));
}

console.log(lines.join('\n'));
