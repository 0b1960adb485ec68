/**
 * One node's attempts: the attempt loop under the node's retry policy, the context each attempt
 * executes with, and the checks on what it returns. The run that schedules the node (FlowRun,
 * flow-run.ts) hands it its input and hears back through `record` and `fail`; waits go through
 * the run, which sleeps short ones and parks the node for long ones.
 */
import type { Clock } from './clock.ts';
import type { CredentialAccess, RunSecrets } from './connector/credential-access.ts';
import { NodeExecutionError, type PatchbayError, toNodeError } from './errors.ts';
import type { StepOutputLimit, WaitingNode } from './executor.ts';
import type { ExpressionEvaluator } from './expression-evaluator.ts';
import type { NodeExecutionContext, NodeResult } from './node-type.ts';
import { type AttemptHandle, runAttempt } from './resilience/attempt-timeout.ts';
import { retryDelayMs } from './resilience/backoff.ts';
import { nodePolicyOf } from './resilience/node-policy-cache.ts';
import type { ResolvedNodePolicy } from './resilience/policy.ts';
import { isRetryable } from './resilience/retry-classification.ts';
import { callUpstream } from './resilience/upstream-call.ts';
import type { UpstreamGuard } from './resilience/upstream-guard.ts';
import type { StepEventSink, StepRetry, StepWaitReason } from './step-event.ts';
import type { ValidatedNode } from './validated-flow.ts';

export const OUTPUT_TOO_LARGE = 'OUTPUT_TOO_LARGE';

/** What a node's attempts need from the run that schedules them. */
export interface AttemptHost {
  readonly runId: string;
  readonly flowName: string;
  readonly trigger: unknown;
  readonly clock: Clock;
  readonly guard: UpstreamGuard;
  readonly random: () => number;
  readonly inlineWaitMaxMs: number;
  readonly expressions: ExpressionEvaluator;
  readonly outputLimit: StepOutputLimit | undefined;
  readonly credentials: CredentialAccess;
  readonly secrets: RunSecrets;
  /** Outputs of the nodes that succeeded so far, by node id (ctx.nodes). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Attempts executing right now, so that cancellation and the deadline can reach them. */
  readonly active: Set<AttemptHandle>;
  /** Per node, the highest attempt that started before this execution (ResumeState.attempts). */
  readonly priorAttempts: Readonly<Record<string, number>> | undefined;
  /** Since when each node has been waiting for a rate-limit token (ResumeState.waitingSince). */
  readonly waitingSince: Readonly<Record<string, Date>> | undefined;
  /** Where the suspended run left each parked node: none runs again before its resumeAt. */
  readonly notBefore: ReadonlyMap<string, WaitingNode> | undefined;
  /** True once the run stops (a failure, cancellation, the deadline): no more attempts. */
  readonly stopping: boolean;
  /** Why an attempt about to start may not: the run was cancelled or ran out of time. */
  stoppedError(nodeId: string): PatchbayError | undefined;
  onEvent: StepEventSink;
  /** Sleeps until `resumeAt` when near, else parks the node; true when it may go on now. */
  waitUntil(
    entry: ValidatedNode,
    attempt: number,
    resumeAt: Date,
    reason: StepWaitReason,
    announce?: boolean,
  ): Promise<boolean>;
  /** The node succeeded: its dependents may be scheduled. */
  record(entry: ValidatedNode, output: unknown, port: string | null): void;
  /** The node failed for good: the run stops. Called before the failure is announced. */
  fail(entry: ValidatedNode, error: NodeExecutionError): void;
}

/** What one attempt came to: the node's result, or the error it failed with. */
type AttemptResult = { ok: true; result: NodeResult } | { ok: false; error: NodeExecutionError };

/** Runs attempts of one node until it succeeds, fails for good, parks, or the run stops. */
export async function runNodeAttempts(
  host: AttemptHost,
  entry: ValidatedNode,
  input: unknown,
): Promise<void> {
  const { node, definition } = entry;
  const policy = nodePolicyOf(entry);
  const { maxAttempts } = policy.retry;
  let attempt = (own(host.priorAttempts, node.id) ?? 0) + 1;
  if (attempt > maxAttempts) {
    // The last attempt was lost (the worker running it stopped). Running a pure step again is
    // harmless; a step with side effects may already have had them, so it has used its tries.
    if (definition.sideEffects !== false) return exhausted(host, entry, input, attempt - 1);
    attempt--;
  }
  const parked = host.notBefore?.get(node.id);
  if (parked && !(await host.waitUntil(entry, attempt, parked.resumeAt, parked.reason, false))) {
    return;
  }

  const wait = { since: own(host.waitingSince, node.id) };
  const base = { nodeId: node.id, nodeType: definition.type, input: host.secrets.redact(input) };
  for (;;) {
    const startedAt = host.clock.now();
    await host.onEvent({ type: 'step.started', at: startedAt, attempt, ...base });
    const startMs = host.clock.monotonicMs();
    const outcome = await runOneAttempt(host, entry, policy, attempt, input, wait);
    if (outcome.ok) {
      const { output } = outcome.result;
      const port = outcome.result.port ?? null;
      await host.onEvent({
        type: 'step.succeeded',
        at: host.clock.now(),
        attempt,
        ...base,
        output: host.secrets.redact(output),
        port,
        startedAt,
        durationMs: host.clock.monotonicMs() - startMs,
      });
      host.record(entry, output, port);
      return;
    }
    // A durable wait a node asks for itself (wait for an event, a sub-flow, a date) would be a
    // third kind of outcome here: announced as step.waiting and parked through host.waitUntil
    // like a long retry delay, without using up the attempt. Not built yet.

    const { error } = outcome;
    if (error.code === 'RATE_LIMITED' && (error.retryAfterMs ?? 0) > 0 && !host.stopping) {
      // No token yet: the call was not made, so the attempt is not used up; it runs again later
      // under the same number. (Without a positive wait it is an ordinary failed attempt, so
      // that it cannot spin.)
      const resumeAt = new Date(host.clock.now().getTime() + error.retryAfterMs!);
      if (!(await host.waitUntil(entry, attempt, resumeAt, waitReasonOf(error)))) return;
      continue;
    }

    const at = host.clock.now();
    const durationMs = host.clock.monotonicMs() - startMs;
    const retried =
      !host.stopping &&
      attempt < maxAttempts &&
      isRetryable(error, policy.retry, definition.retryOptions?.classify);
    let retry: StepRetry | undefined;
    if (retried) {
      const delayMs = retryDelayMs(policy.retry, attempt, host.random, error.retryAfterMs);
      retry = {
        delayMs,
        nextAttemptAt: new Date(at.getTime() + delayMs),
        nextAttempt: attempt + 1,
        reason: waitReasonOf(error),
      };
    } else {
      host.fail(entry, error);
    }
    await host.onEvent({
      type: 'step.failed',
      at,
      attempt,
      ...base,
      error: host.secrets.redact(error.toJSON()),
      startedAt,
      durationMs,
      ...(retry ? { retry } : {}),
    });
    if (!retry) return;
    attempt++;
    if (!(await host.waitUntil(entry, attempt, retry.nextAttemptAt, retry.reason))) return;
  }
}

/** One attempt: execute under the attempt timeout, with ctx.upstream bound to this attempt. */
async function runOneAttempt(
  host: AttemptHost,
  entry: ValidatedNode,
  policy: ResolvedNodePolicy,
  attempt: number,
  input: unknown,
  wait: { since: Date | undefined },
): Promise<AttemptResult> {
  const { node, definition } = entry;
  try {
    const stopped = host.stoppedError(node.id);
    if (stopped) throw stopped;
    const result = await runAttempt(
      {
        clock: host.clock,
        timeoutMs: policy.timeoutMs,
        timeoutError: () => stepTimeoutError(node.id, attempt, policy.timeoutMs),
        active: host.active,
      },
      (signal) =>
        definition.execute(contextFor(host, entry, policy, { attempt, input, wait, signal })),
    );
    checkPort(entry, result);
    if (host.outputLimit) checkOutputSize(entry, result.output, host.outputLimit);
    return { ok: true, result };
  } catch (thrown) {
    return { ok: false, error: toNodeError(node.id, thrown) };
  }
}

/** What a node's execute function sees during one attempt. */
function contextFor(
  host: AttemptHost,
  entry: ValidatedNode,
  policy: ResolvedNodePolicy,
  attempt: {
    attempt: number;
    input: unknown;
    wait: { since: Date | undefined };
    signal: AbortSignal;
  },
): NodeExecutionContext<unknown> {
  const { node, definition } = entry;
  const { signal } = attempt;
  const site = { nodeId: node.id, accepted: definition.credentialTypes ?? [] };
  return {
    runId: host.runId,
    flowName: host.flowName,
    nodeId: node.id,
    config: entry.config,
    // With per-port inputs (merge nodes), the input would be keyed by input port here.
    input: attempt.input,
    nodes: host.outputs,
    trigger: host.trigger,
    idempotencyKey: `${host.runId}:${node.id}`,
    attempt: attempt.attempt,
    upstream: (target, call) =>
      callUpstream(
        {
          guard: host.guard,
          clock: host.clock,
          runId: host.runId,
          nodeId: node.id,
          policy,
          inlineWaitMaxMs: host.inlineWaitMaxMs,
          signal,
          wait: attempt.wait,
        },
        target,
        call,
      ),
    signal,
    credential: async (credentialId) => {
      const resolved = await host.credentials.resolve(credentialId, site);
      host.secrets.add(resolved.secrets);
      return { type: resolved.type, data: resolved.data as never };
    },
    connection: async (credentialId) => {
      const pooled = await host.credentials.connection(credentialId, site);
      host.secrets.add(pooled.secrets);
      return pooled.connection as never;
    },
    redactSecrets: (values) => host.secrets.add(values),
    clock: host.clock,
    expressions: { evaluator: host.expressions, timeoutMs: policy.expressionTimeoutMs },
  };
}

/** The node's last allowed attempt was lost: it fails without running again. */
async function exhausted(
  host: AttemptHost,
  entry: ValidatedNode,
  input: unknown,
  lastAttempt: number,
): Promise<void> {
  const { node, definition } = entry;
  const error = new NodeExecutionError(
    node.id,
    'RETRIES_EXHAUSTED',
    `Node "${node.id}" has used all ${lastAttempt} of its attempts: attempt ${lastAttempt} ` +
      'never finished (the worker running it stopped), and its retry policy allows no more',
    { details: { attempts: lastAttempt } },
  );
  host.fail(entry, error);
  const at = host.clock.now();
  await host.onEvent({
    type: 'step.failed',
    at,
    nodeId: node.id,
    nodeType: definition.type,
    attempt: lastAttempt,
    input,
    error: error.toJSON(),
    startedAt: at,
    durationMs: 0,
  });
}

function stepTimeoutError(nodeId: string, attempt: number, timeoutMs: number): NodeExecutionError {
  return new NodeExecutionError(
    nodeId,
    'STEP_TIMEOUT',
    `Node "${nodeId}" did not finish attempt ${attempt} within its ${timeoutMs} ms timeout`,
    { retryable: true, details: { timeoutMs, attempt } },
  );
}

/** What a step waits for, as the run history shows it: the error says (a throttle, a circuit). */
function waitReasonOf(error: NodeExecutionError): StepWaitReason {
  return error.waitReason ?? 'retry';
}

/** A record's own value for `key`: node ids may be "constructor" or "__proto__". */
export function own<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function checkOutputSize(entry: ValidatedNode, output: unknown, limit: StepOutputLimit): void {
  const bytes = limit.measure(output);
  if (bytes <= limit.maxBytes) return;
  throw new NodeExecutionError(
    entry.node.id,
    OUTPUT_TOO_LARGE,
    `Node "${entry.node.id}" produced ${formatBytes(bytes)} of output; the limit is ${formatBytes(limit.maxBytes)}`,
    { details: { bytes, limitBytes: limit.maxBytes } },
  );
}

/** "9.5 MiB (9961472 bytes)": readable, and exact for comparing with the limit. */
function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === 'bytes' ? `${bytes} bytes` : `${value.toFixed(1)} ${unit} (${bytes} bytes)`;
}

function checkPort(entry: ValidatedNode, result: NodeResult): void {
  if (result.port === undefined) return;
  const { outputs } = entry.definition;
  if (!outputs.some((port) => port.id === result.port)) {
    throw new NodeExecutionError(
      entry.node.id,
      'NODE_INVALID_PORT',
      `Node "${entry.node.id}" chose output "${result.port}", which ${entry.definition.type} does not have`,
    );
  }
}
