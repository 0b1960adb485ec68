/**
 * Runs a validated flow. Event-driven: a node starts as soon as all of its incoming edges are
 * resolved, so independent branches overlap. Every step event is awaited before the step's
 * dependents are scheduled, which is what makes a persisted run resumable.
 */
import { type Clock, systemClock } from './clock.ts';
import { NodeExecutionError, PatchbayError, type SerializedError } from './errors.ts';
import type { NodeExecutionContext, NodeResult } from './node-type.ts';
import type { UpstreamGuard } from './resilience/upstream-guard.ts';
import type { StepEventSink, StepWaitReason } from './step-event.ts';
import type { ValidatedEdge, ValidatedFlow, ValidatedNode } from './validated-flow.ts';

export type CompletedStep = { output: unknown; port: string | null };

/** What a resumed run already did: persisted by the server, handed back on resume. */
export type ResumeState = {
  /** Steps that succeeded: not executed again, no events, outputs (and port) reused. */
  completed?: Readonly<Record<string, CompletedStep>>;
  /** Highest attempt number already recorded per node (started, failed or lost). */
  attempts?: Readonly<Record<string, number>>;
  /** Since when each node has been waiting for a rate-limit token, for the maxWaitMs bound. */
  waitingSince?: Readonly<Record<string, Date>>;
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
};

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
  /** With status `waiting`: resume the run at `resumeAt` (the earliest of `nodes`). */
  waiting?: { resumeAt: Date; nodes: WaitingNode[] };
};

export const NOT_CONNECTED_REASON = 'not connected to the trigger';

/**
 * Resolves with the outcome of the run; a failing node is an outcome, not a rejection. Rejects
 * only when `onEvent` throws: a step that cannot be persisted must stop the run loudly.
 */
export function executeFlow(options: ExecuteFlowOptions): Promise<RunOutcome> {
  return new FlowRun(options).start();
}

const STATE = { waiting: 0, running: 1, succeeded: 2, failed: 3, skipped: 4 } as const;
type NodeState = (typeof STATE)[keyof typeof STATE];

class FlowRun {
  private readonly flow: ValidatedFlow;
  private readonly order: readonly ValidatedNode[];
  private readonly runId: string;
  private readonly flowName: string;
  private readonly trigger: unknown;
  private readonly onEvent: StepEventSink;
  private readonly clock: Clock;
  private readonly signal: AbortSignal;
  private readonly fetch: typeof fetch;
  private readonly completed: Readonly<Record<string, CompletedStep>> | undefined;

  // Per-node state, indexed like flow.order.
  private readonly state: NodeState[];
  private readonly unresolved: number[];
  private readonly activeEdges: number[];
  private readonly ports: (string | null)[];
  private readonly outputList: unknown[];
  /** Outputs by node id; null prototype because node ids may be "__proto__" or "constructor". */
  private readonly outputs: Record<string, unknown> = Object.create(null);

  private inFlight = 0;
  private stopping = false;
  private cancelled = false;
  private failure: NodeExecutionError | undefined;
  private fatal: { error: unknown } | undefined;
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
    this.signal = options.signal ?? new AbortController().signal;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.completed = options.completed;
    const n = this.order.length;
    this.state = new Array<NodeState>(n).fill(STATE.waiting);
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
      // Kahn's order puts every node without incoming edges first.
      for (const entry of this.order) {
        if (entry.incoming.length > 0) break;
        this.ready(entry);
      }
      this.taskDone();
    });
  }

  /** All incoming edges of `entry` are resolved: run it, reuse its completed output, or skip it. */
  private ready(entry: ValidatedNode): void {
    if (this.stopping) return;
    if (this.signal.aborted) {
      this.cancelled = true;
      this.stopping = true;
      return;
    }
    if (entry !== this.flow.trigger && this.activeEdges[entry.index] === 0) {
      this.track(this.skip(entry));
      return;
    }
    const done = this.completed?.[entry.node.id];
    if (done) {
      this.record(entry, done.output, done.port ?? null);
      return;
    }
    this.track(this.run(entry));
  }

  private async run(entry: ValidatedNode): Promise<void> {
    const { index, node, definition } = entry;
    this.state[index] = STATE.running;
    const input = entry === this.flow.trigger ? this.trigger : this.inputOf(entry);
    const startedAt = this.clock.now();
    const base = { nodeId: node.id, nodeType: definition.type, attempt: 1, input };
    await this.onEvent({ type: 'step.started', at: startedAt, ...base });
    const startMs = this.clock.monotonicMs();

    let result: NodeResult;
    try {
      if (this.signal.aborted) {
        throw new NodeExecutionError(
          node.id,
          'CANCELLED',
          `Node "${node.id}" was cancelled before it ran`,
        );
      }
      const ctx: NodeExecutionContext<unknown> = {
        runId: this.runId,
        flowName: this.flowName,
        nodeId: node.id,
        config: entry.config,
        input,
        nodes: this.outputs,
        trigger: this.trigger,
        idempotencyKey: `${this.runId}:${node.id}`,
        attempt: 1,
        upstream: (_target, call) => call(),
        signal: this.signal,
        fetch: this.fetch,
        clock: this.clock,
      };
      result = await definition.execute(ctx);
      checkPort(entry, result);
    } catch (thrown) {
      const error = toNodeError(node.id, thrown);
      this.state[index] = STATE.failed;
      this.failure ??= error;
      if (this.signal.aborted) this.cancelled = true;
      this.stopping = true;
      await this.onEvent({
        type: 'step.failed',
        at: this.clock.now(),
        ...base,
        error: error.toJSON(),
        startedAt,
        durationMs: this.clock.monotonicMs() - startMs,
      });
      return;
    }

    const port = result.port ?? null;
    await this.onEvent({
      type: 'step.succeeded',
      at: this.clock.now(),
      ...base,
      output: result.output,
      port,
      startedAt,
      durationMs: this.clock.monotonicMs() - startMs,
    });
    this.record(entry, result.output, port);
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
        this.stopping = true;
        this.taskDone();
      },
    );
  }

  private taskDone(): void {
    if (--this.inFlight > 0) return;
    const settle = this.settle!;
    if (this.fatal) {
      settle.reject(this.fatal.error);
    } else if (this.cancelled) {
      settle.resolve({
        status: 'cancelled',
        outputs: this.outputs,
        error: { code: 'RUN_CANCELLED', message: `Run "${this.runId}" was cancelled` },
      });
    } else if (this.failure) {
      settle.resolve({
        status: 'failed',
        outputs: this.outputs,
        error: this.failure.toJSON(),
        failedNodeId: this.failure.nodeId,
      });
    } else {
      settle.resolve({ status: 'succeeded', outputs: this.outputs });
    }
  }
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

/** Unknown thrown values become NODE_FAILED; domain errors keep their code and retry hints. */
export function toNodeError(nodeId: string, thrown: unknown): NodeExecutionError {
  if (thrown instanceof NodeExecutionError) return thrown;
  if (thrown instanceof PatchbayError) {
    return new NodeExecutionError(nodeId, thrown.code, thrown.message, {
      retryable: thrown.retryable,
      ...(thrown.retryAfterMs === undefined ? {} : { retryAfterMs: thrown.retryAfterMs }),
      ...(thrown.details === undefined ? {} : { details: thrown.details }),
      cause: thrown,
    });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new NodeExecutionError(nodeId, 'NODE_FAILED', `Node "${nodeId}" failed: ${message}`, {
    cause: thrown,
  });
}
