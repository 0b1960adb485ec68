/**
 * A runaway JSONata expression against a real server process (`--role=all`, as deployed): the run
 * fails with EXPRESSION_TIMEOUT at the default 2 s limit while /healthz keeps answering and
 * another run completes. The latencies are printed for docs/benchmarks.md, not asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** The expression from the issue: it pinned the process at 100% CPU and never timed out. */
const RUNAWAY = '($f := function($n){$f($n+1)}; $f(0))';

let database: TestDatabase;
let server: ServerProcess;
let api: Api;

beforeAll(async () => {
  database = await createTestDatabase('patchbay_runaway');
  server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  api = await createApi(server);
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

async function statusOf(runId: string) {
  return api.runs.get.query({ id: runId });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('a runaway expression in a real server process', () => {
  it('fails its run with EXPRESSION_TIMEOUT while /healthz and another run stay fast', async () => {
    const runawayFlow = await importFlow(
      api,
      chainFlow('Runaway', [
        { id: 'loop', type: 'transform.jsonata', config: { expression: RUNAWAY } },
      ]),
    );
    const ordinaryFlow = await importFlow(
      api,
      chainFlow('Ordinary', [
        { id: 'double', type: 'transform.jsonata', config: { expression: '{ "n": $.n * 2 }' } },
      ]),
    );

    const started = Date.now();
    const { runId } = await api.flows.run.mutate({ id: runawayFlow, input: { n: 1 } });
    const latencies: number[] = [];
    let other: { runId: string; startedAt: number; finishedAt?: number } | undefined;
    let runaway = await statusOf(runId);
    // Probe /healthz back to back until the runaway run is over (bounded: 30 s).
    while (runaway.status === 'queued' || runaway.status === 'running') {
      if (Date.now() - started > 30_000) throw new Error('the runaway run never ended');
      const probe = performance.now();
      const health = await fetch(`${server.baseUrl}/healthz`);
      latencies.push(performance.now() - probe);
      expect(health.status).toBe(200);
      if (runaway.status === 'running' && !other) {
        const { runId: otherId } = await api.flows.run.mutate({
          id: ordinaryFlow,
          input: { n: 21 },
        });
        other = { runId: otherId, startedAt: Date.now() };
      }
      if (other && other.finishedAt === undefined) {
        const state = await statusOf(other.runId);
        if (state.status === 'succeeded') other.finishedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      runaway = await statusOf(runId);
    }
    const endedAfterMs = Date.now() - started;

    expect(runaway).toMatchObject({
      status: 'failed',
      error: {
        code: 'EXPRESSION_TIMEOUT',
        nodeId: 'loop',
        message: 'Node "loop": expression in "expression" did not finish within 2000 ms',
      },
    });
    expect(runaway.steps.filter((step) => step.nodeId === 'loop')).toHaveLength(1);
    // The other run succeeded while the runaway one was still going (it is only checked then).
    expect(other?.finishedAt).toBeDefined();
    // The process is alive and serving.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);

    latencies.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        runawayEndedAfterMs: endedAfterMs,
        otherRunMs: other!.finishedAt! - other!.startedAt,
        healthz: {
          probes: latencies.length,
          p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
          p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
          maxMs: Math.round((latencies.at(-1) ?? 0) * 10) / 10,
        },
      }),
    );
  });
});
