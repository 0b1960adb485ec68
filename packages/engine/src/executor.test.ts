import { describe, expect, it } from 'vitest';
import { PatchbayError } from './errors.ts';
import { executeFlow, NOT_CONNECTED_REASON } from './executor.ts';
import { createFakeClock } from './fake-clock.ts';
import type { FlowEdge, FlowNode } from './flow-document.ts';
import { createNodeTypeRegistry } from './node-type-registry.ts';
import type { StepEvent } from './step-event.ts';
import { deferred } from './test-support/deferred.ts';
import {
  fixtureBranchNode,
  fixtureTransformNode,
  fixtureTriggerNode,
} from './test-support/fixture-node-types.ts';
import { edge, flowDocument, node } from './test-support/flow-fixtures.ts';
import { createStepNodeType, type StepHandler } from './test-support/step-node-type.ts';
import { assertValidFlow } from './validate-flow.ts';

/** A registry whose `test.step` nodes run the handler registered for their id. */
function harness() {
  const handlers = new Map<string, StepHandler>();
  const stepType = createStepNodeType(
    handlers,
    (ctx) => `${ctx.nodeId}(${JSON.stringify(ctx.input)})`,
  );
  const registry = createNodeTypeRegistry([
    fixtureTriggerNode,
    stepType,
    fixtureTransformNode,
    fixtureBranchNode,
  ]);
  const events: StepEvent[] = [];
  const log = (): string[] =>
    events.map((event) => `${event.type.replace('step.', '')}:${event.nodeId}`);
  const flow = (nodes: FlowNode[], edges: FlowEdge[]) =>
    assertValidFlow(flowDocument([node('trigger', 'test.trigger'), ...nodes], edges), registry);
  const onEvent = async (event: StepEvent) => {
    events.push(event);
  };
  return { handlers, events, log, flow, onEvent };
}

const step = (id: string) => node(id, 'test.step');

describe('executeFlow', () => {
  it('runs nodes in dependency order, passing each output downstream', async () => {
    const h = harness();
    const outcome = await executeFlow({
      flow: h.flow([step('b'), step('a')], [edge('trigger', 'a'), edge('a', 'b')]),
      runId: 'run-1',
      triggerInput: { n: 1 },
      onEvent: h.onEvent,
    });
    expect(outcome).toEqual({
      status: 'succeeded',
      outputs: { trigger: { n: 1 }, a: 'a({"n":1})', b: 'b("a({\\"n\\":1})")' },
    });
    expect(h.log()).toEqual([
      'started:trigger',
      'succeeded:trigger',
      'started:a',
      'succeeded:a',
      'started:b',
      'succeeded:b',
    ]);
  });

  it('gives the trigger an empty object when the run has no input', async () => {
    const h = harness();
    const outcome = await executeFlow({ flow: h.flow([], []), runId: 'r', onEvent: h.onEvent });
    expect(outcome.outputs).toEqual({ trigger: {} });
  });

  it('runs independent branches at the same time', async () => {
    const h = harness();
    const running: string[] = [];
    const gates = { a: deferred(), b: deferred() };
    const bothRunning = deferred();
    for (const id of ['a', 'b'] as const) {
      h.handlers.set(id, async () => {
        running.push(id);
        if (running.length === 2) bothRunning.resolve();
        await gates[id].promise;
        return { output: id };
      });
    }
    const outcome = executeFlow({
      flow: h.flow([step('a'), step('b')], [edge('trigger', 'a'), edge('trigger', 'b')]),
      runId: 'r',
      onEvent: h.onEvent,
    });
    // Neither gate is open yet, so both can be running only if they overlap.
    await bothRunning.promise;
    expect(running.sort()).toEqual(['a', 'b']);
    gates.b.resolve();
    gates.a.resolve();
    expect((await outcome).status).toBe('succeeded');
  });

  it('merges several active upstream outputs into an object keyed by node id', async () => {
    const h = harness();
    h.handlers.set('a', () => ({ output: 1 }));
    h.handlers.set('b', () => ({ output: 2 }));
    h.handlers.set('m', (ctx) => ({ output: ctx.input }));
    const outcome = await executeFlow({
      flow: h.flow(
        [step('a'), step('b'), step('m')],
        [edge('trigger', 'a'), edge('trigger', 'b'), edge('a', 'm'), edge('b', 'm')],
      ),
      runId: 'r',
      onEvent: h.onEvent,
    });
    expect(outcome.outputs.m).toEqual({ a: 1, b: 2 });
  });

  it('follows the taken branch, skips the other with a reason, and merges after the branch', async () => {
    const h = harness();
    h.handlers.set('merge', (ctx) => ({ output: ctx.input }));
    const outcome = await executeFlow({
      flow: h.flow(
        [
          node('check', 'test.if', { condition: '$.amount > 100' }),
          step('big'),
          step('afterBig'),
          step('small'),
          step('merge'),
        ],
        [
          edge('trigger', 'check'),
          edge('check', 'big', 'true'),
          edge('big', 'afterBig'),
          edge('check', 'small', 'false'),
          edge('afterBig', 'merge'),
          edge('small', 'merge'),
        ],
      ),
      runId: 'r',
      triggerInput: { amount: 5 },
      onEvent: h.onEvent,
    });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputs.merge).toBe('small({"amount":5})');
    const skipped = h.events.flatMap((event) =>
      event.type === 'step.skipped' ? [[event.nodeId, event.reason]] : [],
    );
    expect(skipped).toEqual([
      ['big', 'branch "true" of "check" not taken'],
      ['afterBig', 'upstream "big" was skipped'],
    ]);
    const checkEvent = h.events.find((e) => e.type === 'step.succeeded' && e.nodeId === 'check');
    expect(checkEvent).toMatchObject({ port: 'false', output: { amount: 5 } });
  });

  it('skips a merge node when every branch into it was skipped', async () => {
    const h = harness();
    const outcome = await executeFlow({
      flow: h.flow(
        [node('check', 'test.if', { condition: 'false' }), step('yes'), step('after')],
        [
          edge('trigger', 'check'),
          edge('check', 'yes', 'true'),
          edge('yes', 'after'),
          edge('check', 'after', 'true'),
        ],
      ),
      runId: 'r',
      onEvent: h.onEvent,
    });
    expect(outcome.status).toBe('succeeded');
    expect(h.events.at(-1)).toMatchObject({
      type: 'step.skipped',
      nodeId: 'after',
      reason: 'upstream "yes" was skipped; branch "true" of "check" not taken',
    });
  });

  it('skips nodes that are not connected to the trigger, and their dependents', async () => {
    const h = harness();
    const outcome = await executeFlow({
      flow: h.flow(
        [step('a'), step('island'), step('afterIsland')],
        [edge('trigger', 'a'), edge('island', 'afterIsland')],
      ),
      runId: 'r',
      onEvent: h.onEvent,
    });
    expect(outcome.status).toBe('succeeded');
    expect(Object.keys(outcome.outputs).sort()).toEqual(['a', 'trigger']);
    const skipped = h.events.filter((event) => event.type === 'step.skipped');
    expect(
      skipped.map((event) => [event.nodeId, event.type === 'step.skipped' && event.reason]),
    ).toEqual([
      ['island', NOT_CONNECTED_REASON],
      ['afterIsland', NOT_CONNECTED_REASON],
    ]);
  });

  it('stops at a failing node, lets running nodes finish, and names the failed node', async () => {
    const h = harness();
    const slowGate = deferred();
    const failNow = deferred();
    h.handlers.set('slow', async () => {
      failNow.resolve();
      await slowGate.promise;
      return { output: 'slow done' };
    });
    h.handlers.set('bad', async () => {
      await failNow.promise;
      setTimeout(() => slowGate.resolve(), 0);
      throw new Error('boom');
    });
    const outcome = await executeFlow({
      flow: h.flow(
        [step('bad'), step('afterBad'), step('slow'), step('afterSlow')],
        [
          edge('trigger', 'bad'),
          edge('bad', 'afterBad'),
          edge('trigger', 'slow'),
          edge('slow', 'afterSlow'),
        ],
      ),
      runId: 'r',
      onEvent: h.onEvent,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.failedNodeId).toBe('bad');
    expect(outcome.error).toEqual({
      code: 'NODE_FAILED',
      message: 'Node "bad" failed: boom',
      nodeId: 'bad',
      retryable: false,
    });
    expect(h.log()).toContain('failed:bad');
    expect(h.log()).toContain('succeeded:slow');
    expect(
      h.log().some((entry) => entry.endsWith(':afterBad') || entry.endsWith(':afterSlow')),
    ).toBe(false);
    expect(outcome.outputs.slow).toBe('slow done');
  });

  it('keeps the code and retry hints of domain errors thrown by a node', async () => {
    const h = harness();
    h.handlers.set('a', () => {
      throw new PatchbayError('QUOTA_USED_UP', 'slow down', {
        retryable: true,
        details: { limit: 5 },
      });
    });
    const outcome = await executeFlow({
      flow: h.flow(
        [{ ...step('a'), policy: { retry: { maxAttempts: 1 } } }],
        [edge('trigger', 'a')],
      ),
      runId: 'r',
      onEvent: h.onEvent,
    });
    expect(outcome.error).toEqual({
      code: 'QUOTA_USED_UP',
      message: 'slow down',
      nodeId: 'a',
      retryable: true,
      details: { limit: 5 },
    });
  });

  it('fails a step whose output is over the output limit, without retrying it or passing it on', async () => {
    const h = harness();
    let calls = 0;
    h.handlers.set('big', () => {
      calls++;
      return { output: 'x'.repeat(2_000) };
    });
    const measured: unknown[] = [];
    const outcome = await executeFlow({
      flow: h.flow(
        [{ ...step('big'), policy: { retry: { maxAttempts: 5, retryOn: 'any' } } }, step('after')],
        [edge('trigger', 'big'), edge('big', 'after')],
      ),
      runId: 'r',
      onEvent: h.onEvent,
      outputLimit: {
        maxBytes: 1_000,
        measure: (output) => {
          measured.push(output);
          return JSON.stringify(output).length;
        },
      },
    });
    expect(calls).toBe(1);
    expect(outcome).toMatchObject({
      status: 'failed',
      failedNodeId: 'big',
      error: {
        code: 'OUTPUT_TOO_LARGE',
        message: 'Node "big" produced 2.0 KiB (2002 bytes) of output; the limit is 1000 bytes',
        retryable: false,
        details: { bytes: 2002, limitBytes: 1000 },
      },
    });
    expect(outcome.outputs).not.toHaveProperty('big');
    expect(h.log()).toEqual(['started:trigger', 'succeeded:trigger', 'started:big', 'failed:big']);
    // The trigger's output is measured too: every step's output is capped.
    expect(measured).toEqual([{}, 'x'.repeat(2_000)]);
  });

  it('emits started before a node executes and starts dependents only after succeeded is persisted', async () => {
    const h = harness();
    const persistTrigger = deferred();
    const seen: string[] = [];
    h.handlers.set('a', () => {
      seen.push(`a executes after: ${h.log().join(',')}`);
      return { output: 'A' };
    });
    const onEvent = async (event: StepEvent) => {
      h.events.push(event);
      if (event.type === 'step.succeeded' && event.nodeId === 'trigger') {
        await persistTrigger.promise;
        seen.push('trigger persisted');
      }
    };
    const outcome = executeFlow({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      runId: 'r',
      onEvent,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.log()).toEqual(['started:trigger', 'succeeded:trigger']);
    persistTrigger.resolve();
    await outcome;
    expect(seen).toEqual([
      'trigger persisted',
      'a executes after: started:trigger,succeeded:trigger,started:a',
    ]);
  });

  it('rejects the run with the error when onEvent fails, and starts nothing after it', async () => {
    const h = harness();
    const diskFull = new Error('disk full');
    const onEvent = async (event: StepEvent) => {
      h.events.push(event);
      if (event.type === 'step.succeeded' && event.nodeId === 'a') throw diskFull;
    };
    await expect(
      executeFlow({
        flow: h.flow([step('a'), step('b')], [edge('trigger', 'a'), edge('a', 'b')]),
        runId: 'r',
        onEvent,
      }),
    ).rejects.toBe(diskFull);
    expect(h.log()).not.toContain('started:b');
  });

  it('passes the run id, an idempotency key, the clock and attempt 1 to each step', async () => {
    const h = harness();
    const clock = createFakeClock(new Date('2025-06-01T10:00:00.000Z'));
    h.handlers.set('a', (ctx) => {
      clock.advance(250);
      return { output: { key: ctx.idempotencyKey, run: ctx.runId, flow: ctx.flowName } };
    });
    const outcome = await executeFlow({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      runId: 'run-42',
      onEvent: h.onEvent,
      clock,
    });
    expect(outcome.outputs.a).toEqual({ key: 'run-42:a', run: 'run-42', flow: 'Test flow' });
    const succeeded = h.events.find((e) => e.type === 'step.succeeded' && e.nodeId === 'a');
    expect(succeeded).toMatchObject({
      attempt: 1,
      durationMs: 250,
      startedAt: new Date('2025-06-01T10:00:00.000Z'),
      at: new Date('2025-06-01T10:00:00.250Z'),
    });
  });

  it('exposes every completed output to JSONata as $nodes and the run input as $trigger', async () => {
    const h = harness();
    h.handlers.set('orders', () => ({
      output: {
        orders: [
          { id: 1, status: 'paid' },
          { id: 2, status: 'open' },
        ],
      },
    }));
    const outcome = await executeFlow({
      flow: h.flow(
        [
          step('orders'),
          node('count', 'test.transform', { expression: '$count($)' }),
          node('report', 'test.transform', {
            expression: "{ 'paid': $nodes.orders.orders[status='paid'].id, 'by': $trigger.user }",
          }),
        ],
        [edge('trigger', 'orders'), edge('orders', 'count'), edge('count', 'report')],
      ),
      runId: 'r',
      triggerInput: { user: 'ada' },
      onEvent: h.onEvent,
    });
    expect(outcome.outputs.report).toEqual({ paid: 1, by: 'ada' });
  });

  it('resumes: reuses completed outputs and ports without running or reporting those steps', async () => {
    const h = harness();
    const outcome = await executeFlow({
      flow: h.flow(
        [node('check', 'test.if', { condition: 'true' }), step('yes'), step('no'), step('after')],
        [
          edge('trigger', 'check'),
          edge('check', 'yes', 'true'),
          edge('check', 'no', 'false'),
          edge('yes', 'after'),
        ],
      ),
      runId: 'r',
      onEvent: h.onEvent,
      completed: {
        trigger: { output: { id: 7 }, port: null },
        check: { output: { id: 7 }, port: 'false' },
        no: { output: 'from before', port: null },
      },
    });
    expect(outcome.status).toBe('succeeded');
    expect(h.log()).toEqual(['skipped:yes', 'skipped:after']);
    expect(outcome.outputs).toEqual({ trigger: { id: 7 }, check: { id: 7 }, no: 'from before' });
  });

  it('resumes after a crash mid-flow, running only what had not succeeded', async () => {
    const h = harness();
    const outcome = await executeFlow({
      flow: h.flow([step('a'), step('b')], [edge('trigger', 'a'), edge('a', 'b')]),
      runId: 'r',
      onEvent: h.onEvent,
      completed: { trigger: { output: {}, port: null }, a: { output: 'A', port: null } },
    });
    expect(h.log()).toEqual(['started:b', 'succeeded:b']);
    expect(outcome.outputs.b).toBe('b("A")');
  });

  it('cancels: starts nothing new once aborted and reports the run cancelled', async () => {
    const h = harness();
    const controller = new AbortController();
    const gate = deferred();
    h.handlers.set('a', async () => {
      controller.abort();
      await gate.promise;
      return { output: 'A' };
    });
    const outcome = executeFlow({
      flow: h.flow([step('a'), step('b')], [edge('trigger', 'a'), edge('a', 'b')]),
      runId: 'r',
      onEvent: h.onEvent,
      signal: controller.signal,
    });
    gate.resolve();
    expect(await outcome).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    expect(h.log()).toEqual(['started:trigger', 'succeeded:trigger', 'started:a', 'succeeded:a']);
  });

  it('does not start at all when the signal is already aborted', async () => {
    const h = harness();
    const outcome = await executeFlow({
      flow: h.flow([], []),
      runId: 'r',
      onEvent: h.onEvent,
      signal: AbortSignal.abort(),
    });
    expect(outcome.status).toBe('cancelled');
    expect(h.events).toEqual([]);
  });

  it('fails a node that chooses an output port its type does not have', async () => {
    const h = harness();
    h.handlers.set('a', () => ({ output: 1, port: 'sideways' }));
    const outcome = await executeFlow({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      runId: 'r',
      onEvent: h.onEvent,
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      failedNodeId: 'a',
      error: { code: 'NODE_INVALID_PORT' },
    });
  });
});
