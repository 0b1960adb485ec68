/**
 * A runaway JSONata expression in a run: it fails its step with EXPRESSION_TIMEOUT in the
 * sandbox while the server keeps answering and other runs go on. test/e2e/runaway-expression
 * measures the same against a real server process.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

const RUNAWAY = '($f := function($n){$f($n+1)}; $f(0))';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t?.close();
});

describe('a runaway expression', () => {
  it('fails its run with EXPRESSION_TIMEOUT, not retried, while /healthz and other runs go on', async () => {
    const runaway = await t.client.flows.create.mutate({
      name: 'Runaway',
      document: chainFlow('Runaway', [
        // Long enough that the other run surely finishes first, even on a machine as busy as CI
        // running every package's tests at once (5 s was once not enough there).
        { ...transformNode('loop', RUNAWAY), policy: { expressionTimeoutMs: 15_000 } },
      ]),
    });
    const ordinary = await t.client.flows.create.mutate({
      name: 'Ordinary',
      document: chainFlow('Ordinary', [transformNode('double', '{ "n": $count([1..10]) * 2 }')]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: runaway.id });
    await vi.waitFor(async () => {
      expect((await t.client.runs.get.query({ id: runId })).status).toBe('running');
    });

    // While it runs: the server answers, and another run completes.
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const { runId: otherId } = await t.client.flows.run.mutate({ id: ordinary.id });
    const other = await waitForRun(t.client, otherId);
    expect(other).toMatchObject({ status: 'succeeded' });
    expect((await t.client.runs.get.query({ id: runId })).status).toBe('running');

    const failed = await waitForRun(t.client, runId, 40_000);
    expect(failed).toMatchObject({
      status: 'failed',
      error: {
        code: 'EXPRESSION_TIMEOUT',
        nodeId: 'loop',
        message: 'Node "loop": expression in "expression" did not finish within 15000 ms',
      },
    });
    expect(failed.steps.filter((step) => step.nodeId === 'loop')).toHaveLength(1);
    expect(t.worker?.expressions.stats.sandboxed).toBeGreaterThan(0);
  }, 60_000);
});
