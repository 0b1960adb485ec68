/**
 * Runs a validated flow. Event-driven: a node starts as soon as all of its incoming edges are
 * resolved, so independent branches overlap. Every step event is awaited before the step's
 * dependents are scheduled, which is what makes a persisted run resumable. Each node runs as a
 * series of attempts under its policy: short waits are slept in process, long ones park the node,
 * and when nothing else can progress the run suspends with outcome `waiting`.
 */
import { type Clock, systemClock } from './clock.ts';
import { type CredentialAccess, noCredentials, RunSecrets } from './connector/credential-access.ts';
import { NodeExecutionError, PatchbayError, type SerializedError, toNodeError } from './errors.ts';
import { type ExpressionEvaluator, inProcessExpressionEvaluator } from './expression-evaluator.ts';
import type { NodeExecutionContext, NodeResult } from './node-type.ts';
import { type AttemptHandle, runAttempt } from './resilience/attempt-timeout.ts';
import { retryDelayMs } from './resilience/backoff.ts';
import { nodePolicyOf } from './resilience/node-policy-cache.ts';
import type { ResolvedNodePolicy } from './resilience/policy.ts';
import { isRetryable } from './resilience/retry-classification.ts';
import { sleep } from './resilience/sleep.ts';
import { callUpstream } from './resilience/upstream-call.ts';
import { openUpstreamGuard, type UpstreamGuard } from './resilience/upstream-guard.ts';
import type { StepEventSink, StepRetry, StepWaitReason } from './step-event.ts';
import type { ValidatedEdge, ValidatedFlow, ValidatedNode } from './validated-flow.ts';

export type CompletedStep = { output: unknown; port: string | null };

/** What a resumed run already did: persisted by the server, handed back on resume. */
export type ResumeState = {
  /** Steps that succeeded: not executed again, no events, outputs (and port) reused. */
  completed?: Readonly<Record<string, CompletedStep>>;
  /**
   * Per node, the highest attempt number that started and did not end in `step.waiting`
   * (succeeded, failed, or lost in a crash). The next attempt is this + 1. An attempt that ended
   * waiting (a rate-limit wait, or a retry parked until later) is not counted: it runs again under
   * the same number, so its (run, node, attempt) row is reused. When the next number would pass
   * the node's maxAttempts (its last attempt was lost), the node fails with RETRIES_EXHAUSTED;
   * a node type without side effects just runs that lost attempt again.
   */
  attempts?: Readonly<Record<string, number>>;
  /** Since when each node has been waiting for a rate-limit token, for the maxWaitMs bound. */
  waitingSince?: Readonly<Record<string, Date>>;
  /**
   * The nodes the suspended run was parked on (its outcome's `waiting.nodes`): none of them runs
   * again before its `resumeAt`, so a run resumed for one node does not retry another early.
   */
  waiting?: readonly WaitingNode[];
};

export type ExecuteFlowOptions = {
  flow: ValidatedFlow;
  runId: string;
  triggerInput?: unknown;
  onEvent: StepEventSink;
  clock?: Clock;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Steps already succeeded; not executed again, no events, outputs reused (and their port). */
  completed?: Readonly<Record<string, CompletedStep>>;
  /** Resume a suspended or interrupted run. `completed` here wins over the top-level field. */
  resume?: ResumeState;
  /** Shared circuit breakers and rate limits. Default: lets every call through. */
  guard?: UpstreamGuard;
  /** Uniform [0, 1) source for retry jitter. Default Math.random; tests pass a fixed one. */
  random?: () => number;
  /**
   * Waits (retry delays, rate-limit waits) up to this long are slept in process; longer ones
   * suspend the run (outcome `waiting`) so the worker slot is freed. Default 1000 ms.
   */
  inlineWaitMaxMs?: number;
  /** The run fails with RUN_TIMEOUT when it is still going at this instant. */
  deadline?: Date;
  /**
   * Evaluates the run's JSONata (transforms, conditions, `{{ }}` templates). Default: in process
   * (inProcessExpressionEvaluator); the server passes its sandbox.
   */
  expressions?: ExpressionEvaluator;
  /** Caps the size of each step's output (default: no cap). */
  outputLimit?: StepOutputLimit;
  /** The credentials vault, for ctx.credential and ctx.connection. Default: none exist. */
  credentials?: CredentialAccess;
};

/**
 * A cap on step outputs. `measure` gives an output's size in bytes as the sink will store it; an
 * output over `maxBytes` fails its attempt with OUTPUT_TOO_LARGE, which is never retried (the same
 * input gives the same output), and is not handed to the sink or to later nodes. The sink may keep
 * what `measure` computed (the serialised value), so that an output is serialised only once.
 */
export type StepOutputLimit = {
  maxBytes: number;
  measure: (output: unknown) => number;
};

export const OUTPUT_TOO_LARGE = 'OUTPUT_TOO_LARGE';

/** A node the suspended run waits on, and until when. */
export type WaitingNode = {
  nodeId: string;
  nextAttempt: number;
  resumeAt: Date;
  reason: StepWaitReason;
};

export type RunOutcome = {
  status: 'succeeded' | 'failed' | 'cancelled' | 'waiting';
  /** Output of every node that succeeded (or was reused from `completed`), by node id. */
  outputs: Record<string, unknown>;
  error?: SerializedError;
  failedNodeId?: string;
  /**
   * With status `waiting`: resume the run at `resumeAt`, the earliest of `nodes` (never later
   * than the deadline, so that a resumed run fails with RUN_TIMEOUT on time).
   */
  waiting?: { resumeAt: Date; nodes: WaitingNode[] };
};

export const NOT_CONNECTED_REASON = 'not connected to the trigger';

export const DEFAULT_INLINE_WAIT_MAX_MS = 1_000;

/**
 * Resolves with the outcome of the run; a failing node is an outcome, not a rejection. Rejects
 * only when `onEvent` throws: a step that cannot be persisted must stop the run loudly.
 */
export function executeFlow(options: ExecuteFlowOptions): Promise<RunOutcome> {
  return new FlowRun(options).start();
}

const STATE = { pending: 0, running: 1, succeeded: 2, failed: 3, skipped: 4, parked: 5 } as const;
type NodeState = (typeof STATE)[keyof typeof STATE];

/** What one attempt came to: the node's result, or the error it failed with. */
type AttemptResult = { ok: true; result: NodeResult } | { ok: false; error: NodeExecutionError };

class FlowRun {
  private readonly flow: ValidatedFlow;
  private readonly order: readonly ValidatedNode[];
  private readonly runId: string;
  private readonly flowName: string;
  private readonly trigger: unknown;
  private readonly onEvent: StepEventSink;
  private readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;
  private readonly fetch: typeof fetch;
  private readonly guard: UpstreamGuard;
  private readonly random: () => number;
  private readonly inlineWaitMaxMs: number;
  private readonly deadline: Date | undefined;
  private readonly expressions: ExpressionEvaluator;
  private readonly outputLimit: StepOutputLimit | undefined;
  private readonly credentials: CredentialAccess;
  /** Secret values resolved in this run: what is persisted shows `***` in their place. */
  private readonly secrets = new RunSecrets();
  private readonly completed: Readonly<Record<string, CompletedStep>> | undefined;
  private readonly resume: ResumeState | undefined;
  private readonly notBefore: ReadonlyMap<string, WaitingNode> | undefined;

  // Per-node state, indexed like flow.order.
  private readonly state: NodeState[];
  private readonly unresolved: number[];
  private readonly activeEdges: number[];
  private readonly ports: (string | null)[];
  private readonly outputList: unknown[];
  /** Outputs by node id; null prototype because node ids may be "__proto__" or "constructor". */
  private readonly outputs: Record<string, unknown> = Object.create(null);

  /** Attempts executing right now, so that cancellation and the deadline can reach them. */
  private readonly active = new Set<AttemptHandle>();
  /** Aborted when the run stops for any reason: ends in-process retry waits. */
  private readonly halt = new AbortController();
  private readonly parked: WaitingNode[] = [];
  private inFlight = 0;
  private stopping = false;
  private cancelled = false;
  private timedOut = false;
  private failure: NodeExecutionError | undefined;
  private fatal: { error: unknown } | undefined;
  private cancelDeadline: (() => void) | undefined;
  private settle:
    | { resolve: (outcome: RunOutcome) => void; reject: (error: unknown) => void }
    | undefined;

  constructor(options: ExecuteFlowOptions) {
    this.flow = options.flow;
    this.order = options.flow.order;
    this.runId = options.runId;
    this.flowName = options.flow.document.name;
    this.trigger = options.triggerInput === undefined ? {} : options.triggerInput;
    this.onEvent = options.onEvent;
    this.clock = options.clock ?? systemClock;
    this.signal = options.signal;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.guard = options.guard ?? openUpstreamGuard;
    // The one place the engine may reach for Math.random: the default when none is passed in.
    this.random = options.random ?? Math.random;
    this.inlineWaitMaxMs = options.inlineWaitMaxMs ?? DEFAULT_INLINE_WAIT_MAX_MS;
    this.deadline = options.deadline;
    this.expressions = options.expressions ?? inProcessExpressionEvaluator;
    this.outputLimit = options.outputLimit;
    this.credentials = options.credentials ?? noCredentials;
    this.resume = options.resume;
    this.completed = options.resume?.completed ?? options.completed;
    this.notBefore = options.resume?.waiting?.length
      ? new Map(options.resume.waiting.map((waiting) => [waiting.nodeId, waiting]))
      : undefined;
    const n = this.order.length;
    this.state = new Array<NodeState>(n).fill(STATE.pending);
    this.unresolved = this.order.map((entry) => entry.incoming.length);
    this.activeEdges = new Array<number>(n).fill(0);
    this.ports = new Array<string | null>(n).fill(null);
    this.outputList = new Array<unknown>(n);
  }

  start(): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      // Held while seeding, so that a synchronous cascade cannot finish the run early.
      this.inFlight++;
      if (this.signal?.aborted) {
        this.cancelled = true;
        this.stopping = true;
      } else if (this.deadline && this.deadline.getTime() <= this.clock.now().getTime()) {
        this.timedOut = true;
        this.stopping = true;
      } else {
        this.signal?.addEventListener('abort', this.onCancel, { once: true });
        if (this.deadline) {
          const ms = this.deadline.getTime() - this.clock.now().getTime();
          this.cancelDeadline = this.clock.setTimer(ms, this.onDeadline);
        }
        // Kahn's order puts every node without incoming edges first.
        for (const entry of this.order) {
          if (entry.incoming.length > 0) break;
          this.ready(entry);
        }
      }
      this.taskDone();
    });
  }

  private readonly onCancel = (): void => {
    this.cancelled = true;
    this.stop();
    // Nodes are told and finish their own way (the HTTP node aborts its request).
    for (const attempt of [...this.active]) attempt.abort(this.signal?.reason);
  };

  private readonly onDeadline = (): void => {
    // A node that failed first stays the run's error; the deadline only hurries the rest.
    if (!this.failure) this.timedOut = true;
    this.stop();
    const error = this.runTimeoutError();
    for (const attempt of [...this.active]) attempt.interrupt(error);
  };

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.halt.abort();
  }

  /** All incoming edges of `entry` are resolved: run it, reuse its completed output, or skip it. */
  private ready(entry: ValidatedNode): void {
    if (this.stopping) return;
    if (entry !== this.flow.trigger && this.activeEdges[entry.index] === 0) {
      this.track(this.skip(entry));
      return;
    }
    const done = own(this.completed, entry.node.id);
    if (done) {
      this.record(entry, done.output, done.port ?? null);
      return;
    }
    this.track(this.run(entry));
  }

  /** Runs attempts of one node until it succeeds, fails for good, parks, or the run stops. */
  private async run(entry: ValidatedNode): Promise<void> {
    const { index, node, definition } = entry;
    this.state[index] = STATE.running;
    const policy = nodePolicyOf(entry);
    const input = entry === this.flow.trigger ? this.trigger : this.inputOf(entry);
    const { maxAttempts } = policy.retry;
    let attempt = (own(this.resume?.attempts, node.id) ?? 0) + 1;
    if (attempt > maxAttempts) {
      // The last attempt was lost (the worker running it stopped). Running a pure step again is
      // harmless; a step with side effects may already have had them, so it has used its tries.
      if (definition.sideEffects !== false) return this.exhausted(entry, input, attempt - 1);
      attempt--;
    }
    const parked = this.notBefore?.get(node.id);
    if (parked && !(await this.waitUntil(entry, attempt, parked.resumeAt, parked.reason, false))) {
      return;
    }

    const wait = { since: own(this.resume?.waitingSince, node.id) };
    const base = { nodeId: node.id, nodeType: definition.type, input: this.secrets.redact(input) };
    for (;;) {
      const startedAt = this.clock.now();
      await this.onEvent({ type: 'step.started', at: startedAt, attempt, ...base });
      const startMs = this.clock.monotonicMs();
      const outcome = await this.attempt(entry, policy, attempt, input, wait);
      if (outcome.ok) {
        const { output } = outcome.result;
        const port = outcome.result.port ?? null;
        await this.onEvent({
          type: 'step.succeeded',
          at: this.clock.now(),
          attempt,
          ...base,
          output: this.secrets.redact(output),
          port,
          startedAt,
          durationMs: this.clock.monotonicMs() - startMs,
        });
        this.record(entry, output, port);
        return;
      }

      const { error } = outcome;
      if (error.code === 'RATE_LIMITED' && (error.retryAfterMs ?? 0) > 0 && !this.stopping) {
        // No token yet: the call was not made, so the attempt is not used up; it runs again later
        // under the same number. (Without a positive wait it is an ordinary failed attempt, so
        // that it cannot spin.)
        const resumeAt = new Date(this.clock.now().getTime() + error.retryAfterMs!);
        if (!(await this.waitUntil(entry, attempt, resumeAt, waitReasonOf(error)))) return;
        continue;
      }

      const at = this.clock.now();
      const durationMs = this.clock.monotonicMs() - startMs;
      const retried = !this.stopping && attempt < maxAttempts && isRetryable(error, policy.retry);
      let retry: StepRetry | undefined;
      if (retried) {
        const delayMs = retryDelayMs(policy.retry, attempt, this.random, error.retryAfterMs);
        retry = {
          delayMs,
          nextAttemptAt: new Date(at.getTime() + delayMs),
          nextAttempt: attempt + 1,
        };
      } else {
        this.fail(entry, error);
      }
      await this.onEvent({
        type: 'step.failed',
        at,
        attempt,
        ...base,
        error: this.secrets.redact(error.toJSON()),
        startedAt,
        durationMs,
        ...(retry ? { retry } : {}),
      });
      if (!retry) return;
      attempt++;
      if (!(await this.waitUntil(entry, attempt, retry.nextAttemptAt, waitReasonOf(error)))) return;
    }
  }

  /** One attempt: execute under the attempt timeout, with ctx.upstream bound to this attempt. */
  private async attempt(
    entry: ValidatedNode,
    policy: ResolvedNodePolicy,
    attempt: number,
    input: unknown,
    wait: { since: Date | undefined },
  ): Promise<AttemptResult> {
    const { node, definition } = entry;
    try {
      if (this.cancelled || this.timedOut) throw this.stoppedError(node.id);
      const result = await runAttempt(
        {
          clock: this.clock,
          timeoutMs: policy.timeoutMs,
          timeoutError: () => stepTimeoutError(node.id, attempt, policy.timeoutMs),
          active: this.active,
        },
        (signal) => {
          const ctx: NodeExecutionContext<unknown> = {
            runId: this.runId,
            flowName: this.flowName,
            nodeId: node.id,
            config: entry.config,
            input,
            nodes: this.outputs,
            trigger: this.trigger,
            idempotencyKey: `${this.runId}:${node.id}`,
            attempt,
            upstream: (target, call) =>
              callUpstream(
                {
                  guard: this.guard,
                  clock: this.clock,
                  runId: this.runId,
                  nodeId: node.id,
                  policy,
                  inlineWaitMaxMs: this.inlineWaitMaxMs,
                  signal,
                  wait,
                },
                target,
                call,
              ),
            signal,
            fetch: this.fetch,
            credential: async (credentialId) => {
              const site = { nodeId: node.id, accepted: definition.credentialTypes ?? [] };
              const resolved = await this.credentials.resolve(credentialId, site);
              this.secrets.add(resolved.secrets);
              return { type: resolved.type, data: resolved.data as never };
            },
            connection: async (credentialId) => {
              const site = { nodeId: node.id, accepted: definition.credentialTypes ?? [] };
              const pooled = await this.credentials.connection(credentialId, site);
              this.secrets.add(pooled.secrets);
              return pooled.connection as never;
            },
            clock: this.clock,
            expressions: { evaluator: this.expressions, timeoutMs: policy.expressionTimeoutMs },
          };
          return definition.execute(ctx);
        },
      );
      checkPort(entry, result);
      if (this.outputLimit) checkOutputSize(entry, result.output, this.outputLimit);
      return { ok: true, result };
    } catch (thrown) {
      return { ok: false, error: toNodeError(node.id, thrown) };
    }
  }

  /**
   * Waits until `resumeAt`: in process when it is near, otherwise parks the node (the
   * run suspends once nothing else can progress). True when the node may go on now.
   */
  private async waitUntil(
    entry: ValidatedNode,
    attempt: number,
    resumeAt: Date,
    reason: StepWaitReason,
    announce = true,
  ): Promise<boolean> {
    if (this.stopping) return false;
    const delayMs = resumeAt.getTime() - this.clock.now().getTime();
    if (delayMs <= 0) return true;
    if (delayMs <= this.inlineWaitMaxMs) {
      return (await sleep(this.clock, delayMs, this.halt.signal)) && !this.stopping;
    }
    if (announce) {
      await this.onEvent({
        type: 'step.waiting',
        nodeId: entry.node.id,
        nodeType: entry.definition.type,
        at: this.clock.now(),
        attempt,
        until: resumeAt,
        reason,
      });
    }
    this.state[entry.index] = STATE.parked;
    this.parked.push({ nodeId: entry.node.id, nextAttempt: attempt, resumeAt, reason });
    return false;
  }

  /** The node's last allowed attempt was lost: it fails without running again. */
  private async exhausted(entry: ValidatedNode, input: unknown, lastAttempt: number) {
    const { node, definition } = entry;
    const error = new NodeExecutionError(
      node.id,
      'RETRIES_EXHAUSTED',
      `Node "${node.id}" has used all ${lastAttempt} of its attempts: attempt ${lastAttempt} ` +
        'never finished (the worker running it stopped), and its retry policy allows no more',
      { details: { attempts: lastAttempt } },
    );
    this.fail(entry, error);
    const at = this.clock.now();
    await this.onEvent({
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

  private fail(entry: ValidatedNode, error: NodeExecutionError): void {
    this.state[entry.index] = STATE.failed;
    this.failure ??= error;
    this.stop();
  }

  private async skip(entry: ValidatedNode): Promise<void> {
    this.state[entry.index] = STATE.skipped;
    await this.onEvent({
      type: 'step.skipped',
      nodeId: entry.node.id,
      nodeType: entry.definition.type,
      at: this.clock.now(),
      reason: entry.reachable ? this.skipReason(entry) : NOT_CONNECTED_REASON,
    });
    this.resolveOutgoing(entry.outgoing, false, null);
  }

  private record(entry: ValidatedNode, output: unknown, port: string | null): void {
    this.state[entry.index] = STATE.succeeded;
    this.outputs[entry.node.id] = output;
    this.outputList[entry.index] = output;
    this.ports[entry.index] = port;
    this.resolveOutgoing(entry.outgoing, true, port);
  }

  private resolveOutgoing(
    edges: readonly ValidatedEdge[],
    succeeded: boolean,
    port: string | null,
  ): void {
    for (const edge of edges) {
      if (succeeded && (port === null || edge.sourcePort === null || edge.sourcePort === port)) {
        this.activeEdges[edge.target]!++;
      }
      if (--this.unresolved[edge.target]! === 0) this.ready(this.order[edge.target]!);
    }
  }

  private isActive(edge: ValidatedEdge): boolean {
    if (this.state[edge.source] !== STATE.succeeded) return false;
    const port = this.ports[edge.source];
    return port === null || edge.sourcePort === null || edge.sourcePort === port;
  }

  /** The single active upstream's output, or an object of them keyed by upstream node id. */
  private inputOf(entry: ValidatedNode): unknown {
    const { incoming } = entry;
    if (incoming.length === 1) return this.outputList[incoming[0]!.source];
    let single = -1;
    let merged: Record<string, unknown> | undefined;
    for (const edge of incoming) {
      if (!this.isActive(edge) || edge.source === single) continue;
      if (single === -1) {
        single = edge.source;
        continue;
      }
      if (!merged) {
        merged = Object.create(null) as Record<string, unknown>;
        merged[this.order[single]!.node.id] = this.outputList[single];
      }
      merged[this.order[edge.source]!.node.id] = this.outputList[edge.source];
    }
    return merged ?? this.outputList[single];
  }

  private skipReason(entry: ValidatedNode): string {
    const reasons = new Set<string>();
    for (const edge of entry.incoming) {
      const source = this.order[edge.source]!.node.id;
      reasons.add(
        this.state[edge.source] === STATE.skipped
          ? `upstream "${source}" was skipped`
          : `branch "${edge.sourcePort}" of "${source}" not taken`,
      );
    }
    return [...reasons].join('; ');
  }

  private track(task: Promise<void>): void {
    this.inFlight++;
    task.then(
      () => this.taskDone(),
      (error: unknown) => {
        // Only onEvent can reject a task: persistence failed, so the run must not go on.
        this.fatal ??= { error };
        this.stop();
        this.taskDone();
      },
    );
  }

  private taskDone(): void {
    if (--this.inFlight > 0) return;
    this.cancelDeadline?.();
    this.signal?.removeEventListener('abort', this.onCancel);
    const settle = this.settle!;
    if (this.fatal) {
      settle.reject(this.fatal.error);
    } else if (this.cancelled) {
      settle.resolve({
        status: 'cancelled',
        outputs: this.secrets.redact(this.outputs),
        error: { code: 'RUN_CANCELLED', message: `Run "${this.runId}" was cancelled` },
      });
    } else if (this.timedOut) {
      settle.resolve({
        status: 'failed',
        outputs: this.secrets.redact(this.outputs),
        error: this.runTimeoutError().toJSON(),
      });
    } else if (this.failure) {
      settle.resolve({
        status: 'failed',
        outputs: this.secrets.redact(this.outputs),
        error: this.secrets.redact(this.failure.toJSON()),
        failedNodeId: this.failure.nodeId,
      });
    } else if (this.parked.length > 0) {
      settle.resolve({
        status: 'waiting',
        outputs: this.secrets.redact(this.outputs),
        waiting: { resumeAt: this.resumeAt(), nodes: this.parked },
      });
    } else {
      settle.resolve({ status: 'succeeded', outputs: this.secrets.redact(this.outputs) });
    }
  }

  private resumeAt(): Date {
    let earliest = this.parked[0]!.resumeAt;
    for (const waiting of this.parked) {
      if (waiting.resumeAt < earliest) earliest = waiting.resumeAt;
    }
    return this.deadline && this.deadline < earliest ? this.deadline : earliest;
  }

  private runTimeoutError(): PatchbayError {
    const deadline = this.deadline?.toISOString();
    return new PatchbayError(
      'RUN_TIMEOUT',
      `Flow "${this.flowName}" did not finish by its deadline (${deadline}); run "${this.runId}" was stopped`,
      { details: { deadline } },
    );
  }

  /** Why a node that was about to run does not: the run was cancelled or ran out of time. */
  private stoppedError(nodeId: string): PatchbayError {
    return this.timedOut
      ? this.runTimeoutError()
      : new NodeExecutionError(nodeId, 'CANCELLED', `Node "${nodeId}" was cancelled before it ran`);
  }
}

function stepTimeoutError(nodeId: string, attempt: number, timeoutMs: number): NodeExecutionError {
  return new NodeExecutionError(
    nodeId,
    'STEP_TIMEOUT',
    `Node "${nodeId}" did not finish attempt ${attempt} within its ${timeoutMs} ms timeout`,
    { retryable: true, details: { timeoutMs, attempt } },
  );
}

/** What a step waits for, as the run history shows it. */
function waitReasonOf(error: NodeExecutionError): StepWaitReason {
  switch (error.code) {
    case 'CIRCUIT_OPEN':
      return 'circuit_open';
    case 'RATE_LIMITED':
      return error.details?.reason === 'throttled' ? 'throttled' : 'rate_limited';
    case 'HTTP_STATUS':
      return error.details?.status === 429 ? 'throttled' : 'retry';
    default:
      return 'retry';
  }
}

/** A record's own value for `key`: node ids may be "constructor" or "__proto__". */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
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
