/**
 * The scheduling half of the executor: walks a validated flow's graph event by event. A node
 * starts as soon as all of its incoming edges are resolved, so independent branches overlap;
 * every step event is awaited before the step's dependents are scheduled, which is what makes a
 * persisted run resumable. Short waits are slept in process, long ones park the node, and when
 * nothing else can progress the run suspends with outcome `waiting`. One node's attempts are
 * node-attempts.ts.
 */
import { type Clock, systemClock } from './clock.ts';
import { type CredentialAccess, noCredentials, RunSecrets } from './connector/credential-access.ts';
import { NodeExecutionError, PatchbayError } from './errors.ts';
import type {
  CompletedStep,
  ExecuteFlowOptions,
  RunOutcome,
  StepOutputLimit,
  WaitingNode,
} from './executor.ts';
import { type ExpressionEvaluator, inProcessExpressionEvaluator } from './expression-evaluator.ts';
import { type AttemptHost, own, runNodeAttempts } from './node-attempts.ts';
import type { AttemptHandle } from './resilience/attempt-timeout.ts';
import { sleep } from './resilience/sleep.ts';
import { openUpstreamGuard, type UpstreamGuard } from './resilience/upstream-guard.ts';
import type { StepEventSink, StepWaitReason } from './step-event.ts';
import type { ValidatedEdge, ValidatedFlow, ValidatedNode } from './validated-flow.ts';

export const NOT_CONNECTED_REASON = 'not connected to the trigger';

export const DEFAULT_INLINE_WAIT_MAX_MS = 1_000;

const STATE = { pending: 0, running: 1, succeeded: 2, failed: 3, skipped: 4, parked: 5 } as const;
type NodeState = (typeof STATE)[keyof typeof STATE];

/**
 * One execution of a run: walks the flow graph, starting each node once its incoming edges are
 * resolved, and settles the outcome. Implements what a node's attempts need (AttemptHost).
 */
export class FlowRun implements AttemptHost {
  private readonly flow: ValidatedFlow;
  private readonly order: readonly ValidatedNode[];
  readonly runId: string;
  readonly flowName: string;
  readonly trigger: unknown;
  readonly onEvent: StepEventSink;
  readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;
  readonly guard: UpstreamGuard;
  readonly random: () => number;
  readonly inlineWaitMaxMs: number;
  private readonly deadline: Date | undefined;
  readonly expressions: ExpressionEvaluator;
  readonly outputLimit: StepOutputLimit | undefined;
  readonly credentials: CredentialAccess;
  /** Secret values resolved in this run: what is persisted shows `***` in their place. */
  readonly secrets = new RunSecrets();
  private readonly completed: Readonly<Record<string, CompletedStep>> | undefined;
  readonly priorAttempts: Readonly<Record<string, number>> | undefined;
  readonly waitingSince: Readonly<Record<string, Date>> | undefined;
  readonly notBefore: ReadonlyMap<string, WaitingNode> | undefined;

  // Per-node state, indexed like flow.order.
  private readonly state: NodeState[];
  private readonly unresolved: number[];
  private readonly activeEdges: number[];
  private readonly ports: (string | null)[];
  private readonly outputList: unknown[];
  /** Outputs by node id; null prototype because node ids may be "__proto__" or "constructor". */
  readonly outputs: Record<string, unknown> = Object.create(null);

  /** Attempts executing right now, so that cancellation and the deadline can reach them. */
  readonly active = new Set<AttemptHandle>();
  /** Aborted when the run stops for any reason: ends in-process retry waits. */
  private readonly halt = new AbortController();
  private readonly parked: WaitingNode[] = [];
  private inFlight = 0;
  stopping = false;
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
    this.guard = options.guard ?? openUpstreamGuard;
    // The one place the engine may reach for Math.random: the default when none is passed in.
    this.random = options.random ?? Math.random;
    this.inlineWaitMaxMs = options.inlineWaitMaxMs ?? DEFAULT_INLINE_WAIT_MAX_MS;
    this.deadline = options.deadline;
    this.expressions = options.expressions ?? inProcessExpressionEvaluator;
    this.outputLimit = options.outputLimit;
    this.credentials = options.credentials ?? noCredentials;
    this.priorAttempts = options.resume?.attempts;
    this.waitingSince = options.resume?.waitingSince;
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

  /** Runs attempts of the node (node-attempts.ts) with its input. */
  private async run(entry: ValidatedNode): Promise<void> {
    this.state[entry.index] = STATE.running;
    const input = entry === this.flow.trigger ? this.trigger : this.inputOf(entry);
    await runNodeAttempts(this, entry, input);
  }

  /**
   * Waits until `resumeAt`: in process when it is near, otherwise parks the node (the
   * run suspends once nothing else can progress). True when the node may go on now.
   */
  async waitUntil(
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

  fail(entry: ValidatedNode, error: NodeExecutionError): void {
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

  record(entry: ValidatedNode, output: unknown, port: string | null): void {
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

  /**
   * The single active upstream's output, or an object of them keyed by upstream node id. Per-port
   * inputs (a merge node with several input ports) would group the edges by targetPort here.
   */
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
  stoppedError(nodeId: string): PatchbayError | undefined {
    if (this.timedOut) return this.runTimeoutError();
    if (!this.cancelled) return undefined;
    return new NodeExecutionError(
      nodeId,
      'CANCELLED',
      `Node "${nodeId}" was cancelled before it ran`,
    );
  }
}
