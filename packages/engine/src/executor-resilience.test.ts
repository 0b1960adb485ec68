import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { systemClock } from './clock.ts';
import { PatchbayError } from './errors.ts';
import { type ExecuteFlowOptions, executeFlow, type RunOutcome } from './executor.ts';
import { inProcessExpressionEvaluator } from './expression-evaluator.ts';
import { createFakeClock, type FakeClock } from './fake-clock.ts';
import type { FlowEdge, FlowNode } from './flow-document.ts';
import type { NodeResult } from './node-type.ts';
import { createNodeTypeRegistry } from './node-type-registry.ts';
import { nodePolicyOf } from './resilience/node-policy-cache.ts';
import type { NodePolicyInput, nodePolicySchema } from './resilience/policy.ts';
import type {
  GuardDecision,
  UpstreamCall,
  UpstreamGuard,
  UpstreamOutcome,
} from './resilience/upstream-guard.ts';
import type { StepEvent } from './step-event.ts';
import {
  fixtureCallNode,
  fixtureTransformNode,
  fixtureTriggerNode,
} from './test-support/fixture-node-types.ts';
import { edge, flowDocument, node } from './test-support/flow-fixtures.ts';
import { createStepNodeType, type StepHandler } from './test-support/step-node-type.ts';
import { assertValidFlow } from './validate-flow.ts';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** `test.step` nodes run the handler registered for their id; the registry also has real types. */
function harness() {
  const handlers = new Map<string, StepHandler>();
  const stepType = createStepNodeType(handlers, (ctx) => ctx.nodeId);
  const registry = createNodeTypeRegistry([
    fixtureTriggerNode,
    stepType,
    fixtureTransformNode,
    fixtureCallNode,
  ]);
  const events: StepEvent[] = [];
  const clock = createFakeClock(T0);
  const flow = (nodes: FlowNode[], edges: FlowEdge[]) =>
    assertValidFlow(flowDocument([node('trigger', 'test.trigger'), ...nodes], edges), registry);
  const run = (options: Omit<ExecuteFlowOptions, 'runId' | 'onEvent'>) =>
    executeFlow({
      runId: 'run-1',
      clock,
      random: () => 0.5,
      onEvent: async (event) => {
        events.push(event);
      },
      ...options,
    });
  /** Events of one node, without the fields that only repeat what the test set up. */
  const of = (nodeId: string) =>
    events
      .filter((event) => event.nodeId === nodeId)
      .map(({ nodeId: _id, nodeType: _type, ...rest }) => {
        if ('input' in rest) delete (rest as { input?: unknown }).input;
        return rest;
      });
  return { handlers, events, clock, flow, run, of };
}

/** A test step; `policy` as a document states it, before validation fills in defaults. */
const step = (id: string, policy?: z.input<typeof nodePolicySchema>): FlowNode => ({
  ...node(id, 'test.step'),
  ...(policy ? { policy: policy as NodePolicyInput } : {}),
});

/** Advances the fake clock in small steps, letting the run react between them, until it settles. */
async function drive<T>(promise: Promise<T>, clock: FakeClock, stepMs = 10): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (settled) break;
    if (i > 100_000) throw new Error('the run did not settle');
    clock.advance(stepMs);
  }
  return promise;
}

/** A scripted guard: answers acquires in order (then proceeds), and records each release. */
function fakeGuard(...decisions: ((call: UpstreamCall) => GuardDecision)[]) {
  const released: { target: string; outcome: UpstreamOutcome }[] = [];
  const acquired: string[] = [];
  const guard: UpstreamGuard = {
    acquire: async (call) => {
      acquired.push(call.target);
      const next = decisions.shift();
      return next ? next(call) : { kind: 'proceed', permit: { target: call.target, probe: false } };
    },
    release: async (call, _permit, outcome) => {
      released.push({ target: call.target, outcome });
    },
  };
  return { guard, released, acquired };
}

const transient = (message = 'upstream down') =>
  new PatchbayError('UPSTREAM_DOWN', message, { retryable: true });

/** A handler that calls `target` through ctx.upstream, failing transiently on listed attempts. */
function callingUpstream(target: string, failOn: number[] = []): StepHandler {
  return (ctx) =>
    ctx.upstream(target, async () => {
      if (failOn.includes(ctx.attempt)) throw transient();
      return { output: `${ctx.nodeId}@${ctx.attempt}` };
    });
}

describe('executeFlow: attempts and retries', () => {
  it('retries a transient failure with exponential backoff and jitter until it succeeds', async () => {
    const h = harness();
    h.handlers.set('a', (ctx) => {
      if (ctx.attempt < 3) throw transient();
      return { output: `ok on attempt ${ctx.attempt}` };
    });
    const policy = { retry: { initialDelayMs: 100, backoffFactor: 3, jitter: 0.5 } };
    const outcome = await drive(
      h.run({
        flow: h.flow([step('a', policy)], [edge('trigger', 'a')]),
        random: () => 0.75,
      }),
      h.clock,
      1,
    );
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { a: 'ok on attempt 3' } });
    // 100 * 3^(n-1), stretched by jitter 0.5 * (2 * 0.75 - 1) = +25%.
    expect(h.of('a')).toEqual([
      { type: 'step.started', at: at(0), attempt: 1 },
      expect.objectContaining({
        type: 'step.failed',
        attempt: 1,
        error: expect.objectContaining({ code: 'UPSTREAM_DOWN', nodeId: 'a' }),
        retry: { delayMs: 125, nextAttemptAt: at(125), nextAttempt: 2, reason: 'retry' },
      }),
      { type: 'step.started', at: at(125), attempt: 2 },
      expect.objectContaining({
        type: 'step.failed',
        attempt: 2,
        retry: { delayMs: 375, nextAttemptAt: at(500), nextAttempt: 3, reason: 'retry' },
      }),
      { type: 'step.started', at: at(500), attempt: 3 },
      expect.objectContaining({ type: 'step.succeeded', attempt: 3 }),
    ]);
  });

  it('fails after maxAttempts, with no retry announced on the last failure', async () => {
    const h = harness();
    h.handlers.set('a', () => {
      throw transient();
    });
    const policy = { retry: { maxAttempts: 2, initialDelayMs: 50 } };
    const outcome = await drive(
      h.run({ flow: h.flow([step('a', policy)], [edge('trigger', 'a')]) }),
      h.clock,
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      failedNodeId: 'a',
      error: { code: 'UPSTREAM_DOWN' },
    });
    const failures = h.events.filter((event) => event.type === 'step.failed');
    expect(failures.map((event) => [event.attempt, 'retry' in event])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('never retries an error marked nonRetryable, even with retryOn "any"', async () => {
    const h = harness();
    h.handlers.set('a', () => {
      throw new PatchbayError('BAD_REQUEST_SHAPE', 'never works', { nonRetryable: true });
    });
    const outcome = await h.run({
      flow: h.flow([step('a', { retry: { retryOn: 'any' } })], [edge('trigger', 'a')]),
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'BAD_REQUEST_SHAPE', retryable: false, nonRetryable: true },
    });
    expect(h.of('a').map((event) => event.type)).toEqual(['step.started', 'step.failed']);
  });

  it('lets the node type classify its errors with the retry fields it adds', async () => {
    const h = harness();
    const flow = h.flow(
      [
        {
          ...node('call', 'test.call', { url: 'https://api.test/' }),
          policy: { retry: { retryCodes: ['CONFLICT'], initialDelayMs: 10 } },
        },
      ],
      [edge('trigger', 'call')],
    );
    expect(nodePolicyOf(flow.nodes.get('call')!).retry).toMatchObject({
      retryCodes: ['CONFLICT'],
      maxAttempts: 3,
    });
    const outcome = await drive(h.run({ flow, triggerInput: { fail: 'CONFLICT' } }), h.clock);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    // Not transient, yet retried: the type's classifier read its own retry field.
    expect(h.of('call').filter((event) => event.type === 'step.started')).toHaveLength(3);
  });

  it('fails an attempt that outlives its timeout with STEP_TIMEOUT, and retries it', async () => {
    const h = harness();
    const abortReasons: unknown[] = [];
    h.handlers.set('slow', (ctx) => {
      if (ctx.attempt > 1) return { output: 'fast enough' };
      ctx.signal.addEventListener('abort', () => abortReasons.push(ctx.signal.reason));
      return new Promise<NodeResult>(() => {}); // hangs, ignoring its signal
    });
    const policy = { timeoutMs: 500, retry: { initialDelayMs: 100 } };
    const outcome = await drive(
      h.run({ flow: h.flow([step('slow', policy)], [edge('trigger', 'slow')]) }),
      h.clock,
    );
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { slow: 'fast enough' } });
    expect(h.of('slow')).toEqual([
      expect.objectContaining({ type: 'step.started', attempt: 1 }),
      expect.objectContaining({
        type: 'step.failed',
        attempt: 1,
        durationMs: 500,
        error: expect.objectContaining({ code: 'STEP_TIMEOUT', retryable: true }),
        retry: { delayMs: 100, nextAttemptAt: at(600), nextAttempt: 2, reason: 'retry' },
      }),
      { type: 'step.started', at: at(600), attempt: 2 },
      expect.objectContaining({ type: 'step.succeeded', attempt: 2 }),
    ]);
    expect(abortReasons).toEqual([expect.objectContaining({ code: 'STEP_TIMEOUT' })]);
  });

  it('fails a runaway expression at the node’s expressionTimeoutMs, without retrying it', async () => {
    const h = harness();
    const runaway = node('loop', 'test.transform', {
      expression: '($f := function($n){$f($n+1)}; $f(0))',
    });
    runaway.policy = { expressionTimeoutMs: 50, retry: { maxAttempts: 3, retryOn: 'any' } };
    const outcome = await h.run({
      flow: h.flow([runaway], [edge('trigger', 'loop')]),
      clock: systemClock,
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      failedNodeId: 'loop',
      error: {
        code: 'EXPRESSION_TIMEOUT',
        message: 'Node "loop": expression in "expression" did not finish within 50 ms',
      },
    });
    expect(h.of('loop').filter((event) => event.type === 'step.started')).toHaveLength(1);
  });

  it('evaluates the run’s expressions with the evaluator it is given', async () => {
    const h = harness();
    const seen: { source: string; timeoutMs: number }[] = [];
    const outcome = await h.run({
      flow: h.flow(
        [node('double', 'test.transform', { expression: '$.n * 2' })],
        [edge('trigger', 'double')],
      ),
      triggerInput: { n: 21 },
      expressions: {
        evaluate: async (request) => {
          seen.push({ source: request.source, timeoutMs: request.timeoutMs });
          return inProcessExpressionEvaluator.evaluate(request);
        },
      },
    });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { double: 42 } });
    expect(seen).toEqual([{ source: '$.n * 2', timeoutMs: 2_000 }]);
  });

  it('gives pure node types no retries and no side effects by default', () => {
    const h = harness();
    const flow = h.flow(
      [node('t', 'test.transform', { expression: '$' }), step('a')],
      [edge('trigger', 't'), edge('t', 'a')],
    );
    expect(nodePolicyOf(flow.nodes.get('t')!).retry.maxAttempts).toBe(1);
    expect(nodePolicyOf(flow.nodes.get('trigger')!).retry.maxAttempts).toBe(1);
    expect(flow.nodes.get('t')!.definition.sideEffects).toBe(false);
    expect(nodePolicyOf(flow.nodes.get('a')!).retry.maxAttempts).toBe(3);
  });

  it('ends in-process retry waits when another node fails for good', async () => {
    const h = harness();
    h.handlers.set('flaky', () => {
      throw transient();
    });
    h.handlers.set('broken', () => {
      throw new Error('bad data');
    });
    const outcome = await drive(
      h.run({
        flow: h.flow(
          [step('flaky', { retry: { initialDelayMs: 800 } }), step('broken')],
          [edge('trigger', 'flaky'), edge('trigger', 'broken')],
        ),
      }),
      h.clock,
    );
    expect(outcome).toMatchObject({ status: 'failed', failedNodeId: 'broken' });
    expect(h.of('flaky').filter((event) => event.type === 'step.started')).toHaveLength(1);
    expect(h.clock.now().getTime()).toBeLessThan(at(800).getTime());
  });
});

describe('executeFlow: suspending and resuming', () => {
  it('parks a node whose retry delay is too long to sleep, while other branches finish', async () => {
    const h = harness();
    const { guard, acquired } = fakeGuard();
    h.handlers.set('a', callingUpstream('svc-a', [1]));
    h.handlers.set('b', callingUpstream('svc-b'));
    const flow = h.flow(
      [step('a', { retry: { initialDelayMs: 5_000, jitter: 0 } }), step('b'), step('c')],
      [edge('trigger', 'a'), edge('trigger', 'b'), edge('a', 'c')],
    );
    const first = await h.run({ flow, guard });
    expect(first).toEqual({
      status: 'waiting',
      outputs: { trigger: {}, b: 'b@1' },
      waiting: {
        resumeAt: at(5_000),
        nodes: [{ nodeId: 'a', nextAttempt: 2, resumeAt: at(5_000), reason: 'retry' }],
      },
    });
    expect(h.of('a').map((event) => event.type)).toEqual([
      'step.started',
      'step.failed',
      'step.waiting',
    ]);
    expect(h.of('a').at(-1)).toEqual({
      type: 'step.waiting',
      at: at(0),
      attempt: 2,
      until: at(5_000),
      reason: 'retry',
    });

    h.events.length = 0;
    h.clock.advance(5_000);
    const second = await h.run({
      flow,
      guard,
      resume: {
        completed: { trigger: { output: {}, port: null }, b: { output: 'b@1', port: null } },
        attempts: { a: 1 },
        waiting: first.waiting!.nodes,
      },
    });
    expect(second).toEqual({
      status: 'succeeded',
      outputs: { trigger: {}, b: 'b@1', a: 'a@2', c: 'c' },
    });
    expect(
      h.of('a').map((event) => `${event.type}:${'attempt' in event && event.attempt}`),
    ).toEqual(['step.started:2', 'step.succeeded:2']);
    expect(h.of('b')).toEqual([]);
    // b's upstream was called once, in the first execution only.
    expect(acquired.filter((target) => target === 'svc-b')).toHaveLength(1);
  });

  it('does not run a parked node before its resumeAt when the run is resumed early', async () => {
    const h = harness();
    h.handlers.set('a', callingUpstream('svc-a'));
    const flow = h.flow([step('a')], [edge('trigger', 'a')]);
    const waiting = [
      { nodeId: 'a', nextAttempt: 2, resumeAt: at(60_000), reason: 'circuit_open' as const },
    ];
    const outcome = await h.run({
      flow,
      resume: { completed: { trigger: { output: {}, port: null } }, attempts: { a: 1 }, waiting },
    });
    expect(outcome).toMatchObject({ status: 'waiting', waiting: { resumeAt: at(60_000) } });
    expect(h.events).toEqual([]);
  });

  it('fails a node whose last allowed attempt was lost with RETRIES_EXHAUSTED', async () => {
    const h = harness();
    h.handlers.set('a', callingUpstream('svc-a'));
    const outcome = await h.run({
      flow: h.flow([step('a', { retry: { maxAttempts: 3 } })], [edge('trigger', 'a')]),
      resume: { completed: { trigger: { output: {}, port: null } }, attempts: { a: 3 } },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      failedNodeId: 'a',
      error: { code: 'RETRIES_EXHAUSTED', nodeId: 'a' },
    });
    expect(outcome.error?.message).toMatch(/Node "a" has used all 3 of its attempts/);
    expect(h.of('a')).toEqual([
      expect.objectContaining({ type: 'step.failed', attempt: 3, durationMs: 0 }),
    ]);
  });

  it('runs the lost attempt of a pure node again instead of failing it', async () => {
    const h = harness();
    const outcome = await h.run({
      flow: h.flow(
        [node('double', 'test.transform', { expression: '$.n * 2' })],
        [edge('trigger', 'double')],
      ),
      resume: { completed: { trigger: { output: { n: 4 }, port: null } }, attempts: { double: 1 } },
    });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { double: 8 } });
    expect(h.of('double').map((event) => 'attempt' in event && event.attempt)).toEqual([1, 1]);
  });

  it('resumes a node whose id is also an Object.prototype property', async () => {
    const h = harness();
    const outcome = await h.run({
      flow: h.flow([step('constructor')], [edge('trigger', 'constructor')]),
      resume: { completed: { trigger: { output: {}, port: null } }, attempts: {} },
    });
    expect(outcome.outputs).toEqual({ trigger: {}, constructor: 'constructor' });
    expect(h.of('constructor').map((event) => 'attempt' in event && event.attempt)).toEqual([1, 1]);
  });
});

describe('executeFlow: circuit breakers and rate limits', () => {
  it('records an open circuit as a failed attempt and retries when the circuit lets calls through', async () => {
    const h = harness();
    const { guard, released } = fakeGuard(() => ({
      kind: 'open',
      retryAt: at(3_000),
      state: 'open',
    }));
    h.handlers.set('a', callingUpstream('svc-a'));
    const outcome = await drive(
      h.run({
        flow: h.flow([step('a', { retry: { initialDelayMs: 100 } })], [edge('trigger', 'a')]),
        guard,
        inlineWaitMaxMs: 5_000,
      }),
      h.clock,
    );
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { a: 'a@2' } });
    expect(h.of('a')).toEqual([
      expect.objectContaining({ type: 'step.started', attempt: 1 }),
      expect.objectContaining({
        type: 'step.failed',
        attempt: 1,
        error: expect.objectContaining({
          code: 'CIRCUIT_OPEN',
          retryable: true,
          details: { target: 'svc-a', retryAt: at(3_000).toISOString(), state: 'open' },
        }),
        retry: { delayMs: 3_000, nextAttemptAt: at(3_000), nextAttempt: 2, reason: 'circuit_open' },
      }),
      { type: 'step.started', at: at(3_000), attempt: 2 },
      expect.objectContaining({ type: 'step.succeeded', attempt: 2 }),
    ]);
    // The refused call never ran, so only the second attempt reports an outcome.
    expect(released).toEqual([{ target: 'svc-a', outcome: { kind: 'success' } }]);
  });

  it('parks a node on an open circuit for as long as the circuit stays open', async () => {
    const h = harness();
    const { guard } = fakeGuard(() => ({ kind: 'open', retryAt: at(30_000), state: 'open' }));
    h.handlers.set('a', callingUpstream('svc-a'));
    const outcome = await h.run({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      guard,
    });
    expect(outcome.waiting).toEqual({
      resumeAt: at(30_000),
      nodes: [{ nodeId: 'a', nextAttempt: 2, resumeAt: at(30_000), reason: 'circuit_open' }],
    });
  });

  it('reports failures and successes to the guard, keyed by the policy target', async () => {
    const h = harness();
    const { guard, released } = fakeGuard();
    h.handlers.set('a', callingUpstream('https://api.test:443', [1]));
    const policy = { target: 'stripe:acct_42', retry: { initialDelayMs: 10 } };
    await drive(
      h.run({ flow: h.flow([step('a', policy)], [edge('trigger', 'a')]), guard }),
      h.clock,
    );
    expect(released).toEqual([
      {
        target: 'stripe:acct_42',
        outcome: { kind: 'failure', error: expect.objectContaining({ code: 'UPSTREAM_DOWN' }) },
      },
      { target: 'stripe:acct_42', outcome: { kind: 'success' } },
    ]);
  });

  it('sleeps through a short rate-limit wait without using up an attempt', async () => {
    const h = harness();
    const wait = (): GuardDecision => ({ kind: 'wait', waitMs: 400, reason: 'rate_limited' });
    const { guard } = fakeGuard(wait, wait);
    h.handlers.set('a', callingUpstream('svc-a'));
    const outcome = await drive(
      h.run({
        flow: h.flow([step('a', { retry: { maxAttempts: 1 } })], [edge('trigger', 'a')]),
        guard,
      }),
      h.clock,
    );
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { a: 'a@1' } });
    expect(h.of('a')).toEqual([
      expect.objectContaining({ type: 'step.started', attempt: 1 }),
      expect.objectContaining({ type: 'step.succeeded', attempt: 1, startedAt: at(0) }),
    ]);
    expect(h.clock.now()).toEqual(at(800));
  });

  it('parks a node on a long rate-limit wait and resumes the same attempt', async () => {
    const h = harness();
    const { guard } = fakeGuard(() => ({ kind: 'wait', waitMs: 5_000, reason: 'throttled' }));
    h.handlers.set('a', callingUpstream('svc-a'));
    const flow = h.flow([step('a', { retry: { maxAttempts: 1 } })], [edge('trigger', 'a')]);
    const first = await h.run({ flow, guard });
    expect(first.waiting?.nodes).toEqual([
      { nodeId: 'a', nextAttempt: 1, resumeAt: at(5_000), reason: 'throttled' },
    ]);
    expect(h.of('a')).toEqual([
      { type: 'step.started', at: at(0), attempt: 1 },
      { type: 'step.waiting', at: at(0), attempt: 1, until: at(5_000), reason: 'throttled' },
    ]);

    h.events.length = 0;
    h.clock.advance(5_000);
    const second = await h.run({
      flow,
      guard,
      resume: {
        completed: { trigger: { output: {}, port: null } },
        // The server does not count an attempt that ended waiting.
        attempts: {},
        waitingSince: { a: at(0) },
        waiting: first.waiting!.nodes,
      },
    });
    expect(second).toMatchObject({ status: 'succeeded', outputs: { a: 'a@1' } });
    expect(
      h.of('a').map((event) => `${event.type}:${'attempt' in event && event.attempt}`),
    ).toEqual(['step.started:1', 'step.succeeded:1']);
  });

  it('fails with RATE_LIMIT_WAIT_EXCEEDED once the total wait would pass maxWaitMs', async () => {
    const h = harness();
    const { guard } = fakeGuard(() => ({ kind: 'wait', waitMs: 5_000, reason: 'rate_limited' }));
    h.handlers.set('a', callingUpstream('svc-a'));
    h.clock.advance(8_000);
    const rateLimit = { limit: 1, periodMs: 1_000, maxWaitMs: 10_000 };
    const outcome = await h.run({
      flow: h.flow([step('a', { rateLimit })], [edge('trigger', 'a')]),
      guard,
      resume: {
        completed: { trigger: { output: {}, port: null } },
        waitingSince: { a: at(0) },
      },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      failedNodeId: 'a',
      error: {
        code: 'RATE_LIMIT_WAIT_EXCEEDED',
        retryable: false,
        details: { target: 'svc-a', waitedMs: 13_000, maxWaitMs: 10_000 },
      },
    });
    expect(h.of('a').map((event) => event.type)).toEqual(['step.started', 'step.failed']);
  });
});

describe('executeFlow: throttling the connector reports', () => {
  it('slows the target and parks the step when the error says it was throttled', async () => {
    const h = harness();
    const { guard, released } = fakeGuard();
    h.handlers.set('a', (ctx) =>
      ctx.upstream('https://api.test:443', async () => {
        if (ctx.attempt === 1) {
          throw new PatchbayError('SLOW_DOWN', 'busy', {
            retryable: true,
            retryAfterMs: 3_000,
            waitReason: 'throttled',
          });
        }
        return { output: 'done' };
      }),
    );
    const flow = h.flow([step('a')], [edge('trigger', 'a')]);
    const first = await h.run({ flow, guard });
    expect(released).toEqual([
      { target: 'https://api.test:443', outcome: { kind: 'throttled', retryAfterMs: 3_000 } },
    ]);
    expect(h.of('a')[1]).toMatchObject({
      type: 'step.failed',
      error: { code: 'SLOW_DOWN' },
      retry: { delayMs: 3_000, nextAttemptAt: at(3_000), nextAttempt: 2, reason: 'throttled' },
    });
    expect(first.waiting?.nodes).toEqual([
      { nodeId: 'a', nextAttempt: 2, resumeAt: at(3_000), reason: 'throttled' },
    ]);
  });
});

describe('executeFlow: deadline and cancellation', () => {
  it('fails the run with RUN_TIMEOUT at its deadline, stopping a step that hangs', async () => {
    const h = harness();
    h.handlers.set('hang', () => new Promise<NodeResult>(() => {}));
    const outcome = await drive(
      h.run({
        flow: h.flow([step('hang')], [edge('trigger', 'hang')]),
        deadline: at(2_000),
      }),
      h.clock,
    );
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'RUN_TIMEOUT' } });
    expect(outcome.error?.message).toContain('Flow "Test flow" did not finish by its deadline');
    expect(h.of('hang')[1]).toMatchObject({
      type: 'step.failed',
      durationMs: 2_000,
      error: { code: 'RUN_TIMEOUT', nodeId: 'hang' },
    });
    expect(h.of('hang')[1]).not.toHaveProperty('retry');
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('fails at once, running nothing, when the deadline has already passed', async () => {
    const h = harness();
    h.clock.advance(10);
    const outcome = await h.run({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      deadline: T0,
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      outputs: {},
      error: { code: 'RUN_TIMEOUT' },
    });
    expect(h.events).toEqual([]);
  });

  it('resumes a suspended run no later than its deadline', async () => {
    const h = harness();
    const { guard } = fakeGuard(() => ({ kind: 'open', retryAt: at(60_000), state: 'open' }));
    h.handlers.set('a', callingUpstream('svc-a'));
    const outcome: RunOutcome = await h.run({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      guard,
      deadline: at(20_000),
    });
    expect(outcome.waiting?.resumeAt).toEqual(at(20_000));
    expect(outcome.waiting?.nodes[0]?.resumeAt).toEqual(at(60_000));
  });

  it('ends an in-process retry wait when the run is cancelled, without another attempt', async () => {
    const h = harness();
    const controller = new AbortController();
    h.handlers.set('a', () => {
      throw transient();
    });
    const outcome = h.run({
      flow: h.flow([step('a')], [edge('trigger', 'a')]),
      signal: controller.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await outcome).toMatchObject({ status: 'cancelled' });
    expect(h.of('a').filter((event) => event.type === 'step.started')).toHaveLength(1);
  });
});
