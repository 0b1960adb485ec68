/**
 * The step order (`seq`) the worker assigns, as runs.get returns it: parallel branches in the
 * order the executor started them, a retry from the failed step after the steps it copied. The
 * crash-resumed and suspended cases are in durability.integration.test.ts.
 */
import type { FlowDocument } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

let t: TestApp;
let upstream: ScriptedUpstream;

const noRetry = { retry: { maxAttempts: 1 }, breaker: { enabled: false } };

beforeAll(async () => {
  t = await startTestApp();
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

const orderOf = (steps: readonly { nodeId: string; attempt: number; seq: number }[]) =>
  steps.map((step) => [step.nodeId, step.attempt, step.seq]);

/** trigger → slow, and trigger → fast → after: `after` starts while `slow` is still running. */
function parallelFlow(): FlowDocument {
  const http = (id: string, path: string, x: number, y: number) => ({
    id,
    type: 'http.request',
    position: { x, y },
    config: { method: 'POST', url: `${upstream.url}${path}` },
    policy: noRetry,
  });
  return {
    version: 1,
    name: 'Parallel',
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      http('slow', '/slow', 200, -100),
      http('fast', '/fast', 200, 100),
      http('after', '/after', 400, 100),
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'slow' },
      { id: 'e2', source: 'trigger', target: 'fast' },
      { id: 'e3', source: 'fast', target: 'after' },
    ],
  } as FlowDocument;
}

describe('step seq', () => {
  it('numbers parallel branches in the order the executor started them, not finished them', async () => {
    upstream.script('/slow', { latencyMs: 1_500, body: { slow: true } });
    const flow = await t.client.flows.create.mutate({
      name: 'Parallel',
      document: parallelFlow(),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    const run = await waitForRun(t.client, runId);
    expect(run.status).toBe('succeeded');

    const seqs = run.steps.map((step) => step.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    const byNode = new Map(run.steps.map((step) => [step.nodeId, step]));
    expect(byNode.get('trigger')?.seq).toBe(1);
    // Both branches start as soon as the trigger is done, before `after` (which waits on `fast`).
    expect([byNode.get('slow')?.seq, byNode.get('fast')?.seq].sort()).toEqual([2, 3]);
    expect(byNode.get('after')?.seq).toBe(4);
    // `slow` finished last, after `after` started: the order is by start, not finish.
    const after = byNode.get('after')!;
    const slow = byNode.get('slow')!;
    expect(Date.parse(slow.finishedAt!)).toBeGreaterThan(Date.parse(after.startedAt!));
  });

  it('keeps the copied steps of a retry from the failed step first, in their order', async () => {
    upstream.script('/one', { body: { value: 1 } });
    upstream.script('/flaky', { status: 500, body: { error: 'down' } });
    const flow = await t.client.flows.create.mutate({
      name: 'Retry order',
      document: chainFlow('Retry order', [
        httpNode('one', `${upstream.url}/one`, noRetry),
        httpNode('flaky', `${upstream.url}/flaky`, noRetry),
        httpNode('last', `${upstream.url}/last`, noRetry),
      ]),
    });
    const { runId: failedId } = await t.client.flows.run.mutate({ id: flow.id });
    const failed = await waitForRun(t.client, failedId);
    expect(failed.status).toBe('failed');
    expect(orderOf(failed.steps).slice(0, 3)).toEqual([
      ['trigger', 1, 1],
      ['one', 1, 2],
      ['flaky', 1, 3],
    ]);

    upstream.script('/flaky', { body: { value: 2 } });
    const { runId } = await t.client.runs.retry.mutate({ id: failedId, from: 'failed_step' });
    const retried = await waitForRun(t.client, runId);
    expect(retried.status).toBe('succeeded');
    expect(orderOf(retried.steps)).toEqual([
      ['trigger', 1, 1],
      ['one', 1, 2],
      ['flaky', 1, 3],
      ['last', 1, 4],
    ]);
    expect(retried.steps.slice(0, 2).map((step) => step.reusedFromRunId)).toEqual([
      failedId,
      failedId,
    ]);
  });
});
